"""One micro-batch, at least once: validate → match → publish and confirm → commit.

Offsets are committed only after every result and dead letter of the batch is confirmed by the
broker. Any failure before that rewinds the batch's partitions so it is delivered again (duplicates,
never losses). A malformed event is dead-lettered, so it can never block its partition.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from aiokafka import ConsumerRecord, TopicPartition
from aiokafka.structs import OffsetAndMetadata

from matcher.batch import BatchMatcher, Output

log = logging.getLogger(__name__)

# An output → a future that resolves once the broker has the record (None: already confirmed).
Send = Callable[[Output], Awaitable[Awaitable[Any] | None]]


class Consumer(Protocol):
    """The part of aiokafka's consumer a batch needs."""

    async def commit(self, offsets: dict[TopicPartition, OffsetAndMetadata]) -> None: ...

    def seek(self, partition: TopicPartition, offset: int) -> None: ...


@dataclass
class Stats:
    """Counters since start (bounded: no per-batch history is kept)."""

    batches: int = 0
    records: int = 0
    largest_batch: int = 0
    dead_lettered: int = 0
    retries: int = 0

    @property
    def mean_batch(self) -> float:
        return self.records / self.batches if self.batches else 0.0


class BatchProcessor:
    """Runs the library's batch path on Kafka records and owns the commit-after-publish rule."""

    def __init__(self, batch: BatchMatcher, send: Send, retry_backoff_s: float) -> None:
        self.batch = batch
        self.send = send
        self.retry_backoff_s = retry_backoff_s
        self.stats = Stats()

    async def handle(self, records: Sequence[ConsumerRecord[Any, Any]], consumer: Consumer) -> None:
        """Process and commit, or rewind for redelivery; never raises for a bad batch."""
        if not records:
            return
        try:
            outputs = await asyncio.to_thread(self.batch.run, records)
            # Wait for every broker acknowledgement before committing.
            pending = [await self.send(o) for o in outputs]
            await asyncio.gather(*(p for p in pending if p is not None))
            await consumer.commit(_next_offsets(records))
        except asyncio.CancelledError:
            # Shutdown gave up on this batch: nothing of it was committed, so it is redelivered.
            _rewind(records, consumer)
            raise
        except Exception:
            self.stats.retries += 1
            log.exception("batch of %d failed; rewinding for redelivery", len(records))
            _rewind(records, consumer)
            await asyncio.sleep(self.retry_backoff_s)
            return
        self.stats.batches += 1
        self.stats.records += len(records)
        self.stats.largest_batch = max(self.stats.largest_batch, len(records))
        self.stats.dead_lettered += sum(o.kind == "dead" for o in outputs)


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
