"""One micro-batch, at least once: validate → match → publish and confirm → commit.

Offsets are committed only after every result and dead letter of the batch is confirmed by the
broker. Any failure before that rewinds the batch's partitions so it is delivered again (duplicates,
never losses). A malformed event is dead-lettered, so it can never block its partition.
"""

from __future__ import annotations

import asyncio
import base64
import logging
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from aiokafka import ConsumerRecord, TopicPartition
from aiokafka.structs import OffsetAndMetadata

from matcher.events import DeadLetter, MatchResult, Offer
from matcher.settings import Settings
from matcher.validation import InvalidOffer, parse_offer

log = logging.getLogger(__name__)

# (topic, key, value) -> a future that resolves once the broker has the record
Send = Callable[[str, bytes | None, bytes], Awaitable[Awaitable[Any] | None]]


class Consumer(Protocol):
    """The part of aiokafka's consumer a batch needs."""

    async def commit(self, offsets: dict[TopicPartition, OffsetAndMetadata]) -> None: ...

    def seek(self, partition: TopicPartition, offset: int) -> None: ...


@dataclass
class Stats:
    """Counters since start, for logs and the demo."""

    batches: int = 0
    matched: int = 0
    unmatched: int = 0
    dead_lettered: int = 0
    retries: int = 0
    busy_s: float = 0.0
    batch_sizes: list[int] = field(default_factory=list)


class BatchProcessor:
    """Processes one batch of raw records; owns nothing Kafka-specific but the records' shape."""

    def __init__(
        self,
        match: Callable[[Sequence[Offer]], list[MatchResult]],
        send: Send,
        settings: Settings,
    ) -> None:
        self.match = match
        self.send = send
        self.settings = settings
        self.stats = Stats()

    async def handle(self, records: Sequence[ConsumerRecord[Any, Any]], consumer: Consumer) -> None:
        """Process and commit, or rewind for redelivery; never raises for a bad batch."""
        if not records:
            return
        started = time.perf_counter()
        try:
            await self._process(records)
            await consumer.commit(_next_offsets(records))
        except asyncio.CancelledError:
            # Shutdown gave up on this batch: nothing of it was committed, so it is redelivered.
            _rewind(records, consumer)
            raise
        except Exception:
            self.stats.retries += 1
            log.exception("batch of %d failed; rewinding for redelivery", len(records))
            _rewind(records, consumer)
            await asyncio.sleep(self.settings.retry_backoff_s)
            return
        self.stats.batches += 1
        self.stats.busy_s += time.perf_counter() - started
        self.stats.batch_sizes.append(len(records))

    async def _process(self, records: Sequence[ConsumerRecord[Any, Any]]) -> None:
        offers: list[Offer] = []
        pending: list[Awaitable[Any] | None] = []
        for record in records:
            try:
                offers.append(parse_offer(record.value or b"", self.settings.max_title_chars))
            except InvalidOffer as exc:
                pending.append(
                    await self.send(self.settings.dlq_topic, record.key, _dead(record, exc))
                )
        results = await asyncio.to_thread(self.match, offers) if offers else []
        for result in results:
            body = result.model_dump_json().encode()
            pending.append(
                await self.send(self.settings.output_topic, result.offer_id.encode(), body)
            )
        # Wait for every broker acknowledgement before the caller commits.
        await asyncio.gather(*(p for p in pending if p is not None))
        self.stats.dead_lettered += len(records) - len(offers)
        self.stats.matched += sum(r.decision == "match" for r in results)
        self.stats.unmatched += sum(r.decision == "no_match" for r in results)


def _dead(record: ConsumerRecord[Any, Any], exc: InvalidOffer) -> bytes:
    raw: bytes = record.value or b""
    try:
        text: str | None = raw.decode("utf-8")
    except UnicodeDecodeError:
        text = None
    key = record.key.decode("utf-8", "replace") if isinstance(record.key, bytes) else record.key
    return (
        DeadLetter(
            payload=text,
            payload_b64=base64.b64encode(raw).decode(),
            key=key,
            error_class=exc.kind,
            error_message=str(exc),
            source_topic=record.topic,
            source_partition=record.partition,
            source_offset=record.offset,
        )
        .model_dump_json()
        .encode()
    )


def _next_offsets(
    records: Sequence[ConsumerRecord[Any, Any]],
) -> dict[TopicPartition, OffsetAndMetadata]:
    last: dict[TopicPartition, int] = {}
    for r in records:
        tp = TopicPartition(r.topic, r.partition)
        last[tp] = max(last.get(tp, -1), r.offset)
    return {tp: OffsetAndMetadata(off + 1, "") for tp, off in last.items()}


def _rewind(records: Sequence[ConsumerRecord[Any, Any]], consumer: Consumer) -> None:
    first: dict[TopicPartition, int] = {}
    for r in records:
        tp = TopicPartition(r.topic, r.partition)
        first[tp] = min(first.get(tp, r.offset), r.offset)
    for tp, off in first.items():
        try:
            consumer.seek(tp, off)
        except Exception:  # partition revoked meanwhile: its new owner starts from the commit
            log.warning("could not rewind %s to %d", tp, off)
