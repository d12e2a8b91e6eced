"""The FastStream application: one batch subscriber in a consumer group, keyed publishing.

``faststream run streams.main:app --workers N`` and N ``matcher run`` processes both join the
same group (``MATCHER_GROUP_ID``) and split the input topic's partitions.
"""

from __future__ import annotations

import logging
import os
import socket
from collections.abc import Awaitable, Sequence
from dataclasses import dataclass
from typing import Any

from faststream import AckPolicy, FastStream
from faststream.kafka import KafkaBroker, KafkaMessage

from matcher.events import MatchResult, Offer
from matcher.settings import Settings, get_settings
from streams.consumer import BatchProcessor
from streams.service import MatchService
from streams.topics import ensure_topics

log = logging.getLogger("offer-matcher")


def _raw_records(msg: Any) -> Any:
    """No decoding by FastStream: the processor validates each record itself (bad ones → DLQ)."""
    return None


@dataclass
class MatcherApp:
    """The FastStream app with the parts a caller may want to watch."""

    app: FastStream
    broker: KafkaBroker
    processor: BatchProcessor


def build_app(settings: Settings | None = None, service: MatchService | None = None) -> FastStream:
    """The FastStream app for ``settings`` (what ``faststream run`` wants)."""
    return build(settings, service).app


def build(settings: Settings | None = None, service: MatchService | None = None) -> MatcherApp:
    """The app for ``settings``; ``service`` (model + Redis catalog) is built at start-up if None."""
    cfg = settings or get_settings()
    broker = KafkaBroker(cfg.kafka_bootstrap, graceful_timeout=cfg.graceful_timeout_s)
    app = FastStream(broker, logger=log)

    # Which process produced a result: for operators, and for tests of partition sharing.
    headers = {"content-type": "application/json", "matcher-instance": instance_id()}

    async def send(topic: str, key: bytes | None, value: bytes) -> Awaitable[Any] | None:
        fut: Awaitable[Any] | None = await broker.publish(
            value, topic, key=key, headers=headers, no_confirm=True
        )
        return fut

    processor = BatchProcessor(_not_started, send, cfg)

    @app.on_startup
    async def start() -> None:
        try:
            await ensure_topics(cfg)
        except Exception as exc:  # clusters that forbid clients to create topics: use theirs
            log.warning("could not ensure topics (%s); assuming they exist", exc)
        svc = service or MatchService.from_settings(cfg)
        processor.match = svc.pipeline.match
        log.info(
            "matching with model %s, catalog version %d",
            svc.encoder.fingerprint,
            svc.catalog_version(),
        )

    @broker.subscriber(
        cfg.input_topic,
        batch=True,
        max_records=cfg.batch_size,
        batch_timeout_ms=cfg.batch_timeout_ms,
        group_id=cfg.group_id,
        auto_offset_reset="earliest",
        ack_policy=AckPolicy.MANUAL,
        decoder=_raw_records,
    )
    async def on_offers(msg: KafkaMessage) -> None:
        records = msg.raw_message if isinstance(msg.raw_message, tuple) else (msg.raw_message,)
        await processor.handle(records, msg.consumer)  # type: ignore[arg-type]

    return MatcherApp(app, broker, processor)


def instance_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def _not_started(offers: Sequence[Offer]) -> list[MatchResult]:
    raise RuntimeError("the matcher received a batch before start-up finished")
