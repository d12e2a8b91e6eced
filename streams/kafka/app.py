"""The FastStream application: one batch subscriber in a consumer group, two declared publishers.

``faststream run streams.main:app --workers N`` and N ``matcher run`` processes both join the
same group (``MATCHER_GROUP_ID``) and split the input topic's partitions. The model and the
catalog connection are built at start-up (not at import), then handed to the handler through
FastStream's context.
"""

from __future__ import annotations

import logging
import os
import socket
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Annotated, Any

from faststream import AckPolicy, Context, ContextRepo, FastStream
from faststream.asgi import AsgiFastStream
from faststream.kafka import KafkaBroker, KafkaMessage
from faststream.kafka.prometheus import KafkaPrometheusMiddleware
from faststream.specification import AsyncAPI

from matcher import __version__
from matcher.batch import Output
from matcher.encoding import CachedEncoder
from matcher.events import DeadLetter, MatchResult, Offer
from streams.components import Matcher, build_matcher
from streams.health import Backoff
from streams.http import routes as http_routes
from streams.metrics import Metrics
from streams.processor import BatchProcessor
from streams.security import kafka_security
from streams.settings import Settings, get_settings
from streams.topics import ensure_topics

log = logging.getLogger("offer-matcher")

PROCESSOR = "processor"  # context keys: the running BatchProcessor, and the Matcher it runs
MATCHER = "matcher"


def _raw_records(msg: Any) -> Any:
    """No decoding by FastStream: the batch path validates each record itself (bad ones → DLQ)."""
    return None


@dataclass
class MatcherApp:
    """The FastStream app with the parts a caller may want to watch."""

    app: FastStream | AsgiFastStream
    broker: KafkaBroker

    @property
    def processor(self) -> BatchProcessor:
        """The running batch processor (exists once start-up has finished)."""
        processor = self.app.context.get(PROCESSOR)
        if processor is None:
            raise RuntimeError("the matcher has not started")
        return processor


def build_app(
    settings: Settings | None = None, matcher: Matcher | None = None, http: bool | None = None
) -> MatcherApp:
    """The app for ``settings``; ``matcher`` (model + Redis catalog) is built at start-up if None.

    With ``http`` (default: ``MATCHER_HTTP_PORT`` is not 0) it is an ASGI app that also serves
    ``/healthz``, ``/readyz``, ``/metrics`` and the AsyncAPI document at ``/docs``.
    """
    cfg = settings or get_settings()
    metrics = Metrics()
    broker = KafkaBroker(
        cfg.kafka_bootstrap,
        graceful_timeout=cfg.graceful_timeout_s,
        acks="all",  # a result counts as published once every in-sync replica has it
        security=kafka_security(cfg),
        logger=log,  # one format for every line (JSON with MATCHER_LOG_FORMAT=json)
        middlewares=[
            KafkaPrometheusMiddleware(registry=metrics.registry, app_name="offer-matcher")
        ],
    )
    spec = AsyncAPI(
        title="offer-matcher",
        version=__version__,
        description="Supplier offers in, match / no-match results and dead letters out.",
    )
    serve_http = cfg.http_port != 0 if http is None else http
    app: FastStream | AsgiFastStream
    if serve_http:
        context = ContextRepo()

        def state() -> tuple[Any, Any]:
            processor, built = context.get(PROCESSOR), context.get(MATCHER)
            catalog = built.catalog.status() if built is not None and built.catalog else None
            return processor, catalog

        app = AsgiFastStream(
            broker,
            asgi_routes=http_routes(broker, state, metrics),
            asyncapi_path="/docs",
            logger=log,
            context=context,
            specification=spec,
        )
    else:
        app = FastStream(broker, logger=log, specification=spec)
    # Which process produced an event: for operators, and for tests of partition sharing.
    headers = {"content-type": "application/json", "matcher-instance": instance_id()}
    results = broker.publisher(
        cfg.output_topic,
        title=cfg.output_topic,
        description="one match / no-match result per offer, key = offer_id",
        schema=MatchResult,
        headers=headers,
    )
    dead_letters = broker.publisher(
        cfg.dlq_topic,
        title=cfg.dlq_topic,
        description="offers that could not be matched as sent, with the reason",
        schema=DeadLetter,
        headers=headers,
    )

    async def send(output: Output) -> Awaitable[Any] | None:
        publisher = results if output.kind == "result" else dead_letters
        fut: Awaitable[Any] | None = await publisher.publish(
            output.value, key=output.key, no_confirm=True
        )
        return fut

    @app.on_startup
    async def start(context: ContextRepo) -> None:
        try:
            await ensure_topics(cfg)
        except Exception as exc:  # clusters that forbid clients to create topics: use theirs
            log.warning("could not ensure topics (%s); assuming they exist", exc)
        built = matcher or build_matcher(cfg, observe=metrics.stage)
        if built.catalog is not None:
            built.catalog.start()  # hydrate and follow the catalog in the background
        context.set_global(MATCHER, built)
        catalog = built.catalog
        processor = BatchProcessor(
            built.batch,
            send,
            Backoff(cfg.retry_backoff_s, cfg.retry_backoff_max_s),
            ready=(lambda: catalog.status().ready) if catalog is not None else (lambda: True),
            metrics=metrics,
        )
        context.set_global(PROCESSOR, processor)
        _state_gauges(metrics, built, processor)
        log.info("matching with model %s", built.encoder.fingerprint)

    @app.on_shutdown
    async def finish(context: ContextRepo) -> None:
        """Before the broker stops: the batch in flight is committed, none is left half done."""
        processor = context.get(PROCESSOR)
        if processor is not None:
            await processor.close()

    @app.after_shutdown
    async def stop(context: ContextRepo) -> None:
        built = context.get(MATCHER)
        if built is not None and built.catalog is not None:
            built.catalog.stop()

    @broker.subscriber(
        cfg.input_topic,
        batch=True,
        max_records=cfg.batch_size,
        batch_timeout_ms=cfg.batch_timeout_ms,
        group_id=cfg.group_id,
        auto_offset_reset="earliest",
        ack_policy=AckPolicy.MANUAL,
        decoder=_raw_records,
        title=cfg.input_topic,
        description="supplier offers (JSON, key = offer_id), matched in micro-batches",
    )
    async def on_offers(
        offers: list[Offer] | None,
        msg: KafkaMessage,
        processor: Annotated[BatchProcessor, Context(PROCESSOR)],
    ) -> None:
        # ``offers`` only documents the input schema: nothing is decoded here (it is None);
        # the batch path validates each raw record itself, so a bad one cannot fail the batch.
        raw = msg.raw_message
        records = raw if isinstance(raw, (tuple, list)) else (raw,)
        await processor.handle(records, msg.consumer)  # type: ignore[arg-type]

    return MatcherApp(app, broker)


def _state_gauges(metrics: Metrics, built: Matcher, processor: BatchProcessor) -> None:
    """Gauges read from the process state at scrape time: catalog, pause, cache."""
    gauges: list[tuple[Any, Callable[[], float]]] = [
        (metrics.paused, lambda: 1.0 if processor.health.paused else 0.0)
    ]
    if built.catalog is not None:
        status = built.catalog.status
        gauges += [
            (metrics.catalog_version, lambda: float(status().version)),
            (metrics.catalog_items, lambda: float(status().items)),
            (metrics.catalog_age, lambda: status().seconds_since_refresh or 0.0),
        ]
    metrics.read_on_scrape(gauges)
    encoder = built.encoder
    if isinstance(encoder, CachedEncoder):
        hits, misses = metrics.cache.labels("hit"), metrics.cache.labels("miss")
        counts = {"hit": 0, "miss": 0}

        def follow(stage: str, seconds: float) -> None:  # counters move with each encode
            if stage == "encode":
                hits.inc(encoder.hits - counts["hit"])
                misses.inc(encoder.misses - counts["miss"])
                counts.update(hit=encoder.hits, miss=encoder.misses)

        previous = built.pipeline.observe

        def observe(stage: str, seconds: float) -> None:
            previous(stage, seconds)
            follow(stage, seconds)

        built.pipeline.observe = observe


def instance_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"
