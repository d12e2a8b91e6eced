"""Micro-batches, at least once: run the batch path → publish and confirm → commit.

Offsets are committed only after every result and dead letter of the batch is confirmed by the
broker. Bad events never get here as failures: the batch path dead-letters them. What does get
here is the infrastructure — Redis or the catalog unavailable, the broker refusing a publish, a
model that fails for any input: then the batch is rewound (redelivered later: duplicates, never
losses), the consumer's partitions are paused, and a background task resumes them after an
exponential backoff once the catalog is ready again. A rebalance that took the partitions away
mid-batch is not a failure: their new owner redelivers from the last commit.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Protocol

from aiokafka import ConsumerRecord, TopicPartition
from aiokafka.errors import CommitFailedError, IllegalStateError
from aiokafka.structs import OffsetAndMetadata

from matcher.batch import BatchMatcher, Output
from streams.ops.health import Backoff, Health
from streams.ops.metrics import Metrics

log = logging.getLogger(__name__)

# An output → a future that resolves once the broker has the record (None: already confirmed).
Send = Callable[[Output], Awaitable[Awaitable[Any] | None]]


class Consumer(Protocol):
    """The part of aiokafka's consumer a batch needs."""

    async def commit(self, offsets: dict[TopicPartition, OffsetAndMetadata]) -> None: ...

    def seek(self, partition: TopicPartition, offset: int) -> None: ...

    def assignment(self) -> set[TopicPartition]: ...

    def pause(self, *partitions: TopicPartition) -> None: ...

    def resume(self, *partitions: TopicPartition) -> None: ...

    def paused(self) -> set[TopicPartition]: ...

    def highwater(self, partition: TopicPartition) -> int | None: ...


class BatchProcessor:
    """Runs the library's batch path on Kafka records and owns the commit-after-publish rule.

    Batches overlap by one step: batch N's results are handed to the producer, and the handler
    returns, so batch N+1 is fetched and encoded while N's acknowledgements arrive; N is committed
    once they all have (commits stay in order, N+1 waits for N). If N's publish fails, N+1 is
    neither published nor committed: both are rewound. On shutdown (:meth:`close`) no batch is
    left finishing: the last one waits for its own acknowledgements and commit.
    """

    def __init__(
        self,
        batch: BatchMatcher,
        send: Send,
        backoff: Backoff,
        ready: Callable[[], bool] = lambda: True,
        metrics: Metrics | None = None,
    ) -> None:
        self.batch = batch
        self.send = send
        self.backoff = backoff
        self.ready = ready
        self.metrics = metrics or Metrics()
        self.health = Health()
        self.closing = False
        self._resumer: asyncio.Task[None] | None = None
        self._tail: asyncio.Task[None] | None = None  # the previous batch, finishing
        self._failures = 0  # bumped by every failure: a batch started before one never commits
        # One thread runs every batch: the model's thread pool (OpenMP, ONNX Runtime) is made
        # once and stays warm, instead of one per worker thread that happens to pick a batch.
        self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="batch")

    async def handle(self, records: Sequence[ConsumerRecord[Any, Any]], consumer: Consumer) -> None:
        """Process a batch and leave it finishing; never raises for a bad batch."""
        if not records:
            return
        failures = self._failures
        started = time.perf_counter()
        self.metrics.offers.inc(len(records))
        try:
            loop = asyncio.get_running_loop()
            outputs = await loop.run_in_executor(self._worker, self.batch.run, records)
            self._count(outputs, records[0].topic)
            await self.drain()  # the previous batch: acknowledged and committed, or failed
            if self._failures != failures:  # it failed after this one was fetched
                _rewind(records, consumer)
                return
            # Hand every output to the producer now; their acknowledgements come meanwhile.
            pending = [await self.send(o) for o in outputs]
        except asyncio.CancelledError:
            # Shutdown gave up on this batch: nothing of it was committed, so it is redelivered.
            _rewind(records, consumer)
            raise
        except Exception as exc:
            self._fail(consumer, exc, records)
            return
        self._tail = asyncio.create_task(
            self._finish(records, outputs, pending, consumer, failures, started)
        )
        if self.closing:
            try:
                await self.drain()
            except asyncio.CancelledError:  # the tail may be cancelled before it ever ran
                _rewind(records, consumer)
                raise

    async def drain(self) -> None:
        """Wait until the batch in flight (if any) is committed or has failed."""
        if self._tail is not None:
            tail, self._tail = self._tail, None
            await tail

    async def close(self) -> None:
        """From now on every batch finishes before its handler returns (shutdown)."""
        self.closing = True
        await self.drain()

    async def _finish(
        self,
        records: Sequence[ConsumerRecord[Any, Any]],
        outputs: Sequence[Output],
        pending: Sequence[Awaitable[Any] | None],
        consumer: Consumer,
        failures: int,
        started: float,
    ) -> None:
        try:
            # Every broker acknowledgement before the commit.
            t0 = time.perf_counter()
            await asyncio.gather(*(p for p in pending if p is not None))
            t1 = time.perf_counter()
            if self._failures != failures:
                _rewind(records, consumer)
                return
            offsets = _next_offsets(records)
            await consumer.commit(offsets)
            self.metrics.stage("publish", t1 - t0)
            self.metrics.stage("commit", time.perf_counter() - t1)
            self.metrics.batch_seconds.observe(time.perf_counter() - started)
            self._lag(consumer, offsets)
        except asyncio.CancelledError:
            _rewind(records, consumer)  # shutdown gave up waiting: redelivered, not lost
            raise
        except (CommitFailedError, IllegalStateError) as exc:
            self.metrics.revoked.inc()
            log.warning("partitions moved to another member mid-batch (%s); not committed", exc)
            return
        except Exception as exc:
            self._fail(consumer, exc, records)
            return
        self.metrics.batch_size.observe(len(records))  # committed batches only
        if self._failures == failures:  # a later batch may have failed while this one committed
            self.health.succeeded()
            self.backoff.reset()

    def _fail(
        self, consumer: Consumer, exc: Exception, records: Sequence[ConsumerRecord[Any, Any]]
    ) -> None:
        """Rewind, pause every partition, and resume after a backoff once ready."""
        self._failures += 1
        self.metrics.retries.labels(type(exc).__name__).inc()
        _rewind(records, consumer)
        reason = f"{type(exc).__name__}: {exc}"
        first = records[0]
        log.warning(
            "batch of %d not matched (%s); rewound to %s[%d]@%d, pausing until it can be",
            len(records),
            reason,
            first.topic,
            first.partition,
            first.offset,
            extra={
                "topic": first.topic,
                "partition": first.partition,
                "offset": first.offset,
                "batch": len(records),
            },
        )
        self.health.failed(reason)
        consumer.pause(*consumer.assignment())
        if self._resumer is None or self._resumer.done():
            self._resumer = asyncio.create_task(self._resume(consumer))

    def _count(self, outputs: Sequence[Output], topic: str) -> None:
        """Results by decision and reason, dead letters by class (each logged with its source)."""
        for o in outputs:
            if o.kind == "result":
                self.metrics.results.labels(o.decision, o.reason).inc()
                if o.reason and o.reason.endswith(":confirmed"):
                    self.metrics.aliases.inc()
                continue
            self.metrics.dead_letters.labels(o.error_class).inc()
            log.warning(
                "dead-lettered %s[%s]@%s: %s",
                topic,
                o.partition,
                o.offset,
                o.error_class,
                extra={
                    "topic": topic,
                    "partition": o.partition,
                    "offset": o.offset,
                    "offer_id": o.key.decode("utf-8", "replace") if o.key else None,
                    "error_class": o.error_class,
                },
            )

    def _lag(self, consumer: Consumer, offsets: dict[TopicPartition, OffsetAndMetadata]) -> None:
        """Records behind the high watermark (fetched with the batch), per committed partition."""
        highwater = getattr(consumer, "highwater", None)  # in-memory test consumers have none
        if highwater is None:
            return
        for tp, committed in offsets.items():
            high = highwater(tp)
            if high is not None:
                self.metrics.lag.labels(tp.topic, str(tp.partition)).set(
                    max(0, high - committed.offset)
                )

    async def _resume(self, consumer: Consumer) -> None:
        """After a backoff (growing while not ready), let the partitions be fetched again."""
        while True:
            await asyncio.sleep(self.backoff.next())
            if self.ready():
                break
        consumer.resume(*consumer.paused())


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
