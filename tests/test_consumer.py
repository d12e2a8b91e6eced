"""The at-least-once batch contract, with a fake consumer and publisher."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Sequence
from typing import Any

from aiokafka import ConsumerRecord, TopicPartition
from aiokafka.structs import OffsetAndMetadata

from matcher.batch import Output
from matcher.events import MatchResult, Offer
from streams.kafka.processor import BatchProcessor
from streams.ops.health import Backoff
from tests.fakes import FakePipeline, batch_matcher, fake_match


def record(
    partition: int, offset: int, value: bytes, key: bytes | None = None
) -> ConsumerRecord[Any, Any]:
    return ConsumerRecord("offers", partition, offset, 0, 0, key, value, None, len(value), 0, [])


def offer(oid: str) -> bytes:
    return json.dumps({"offer_id": oid, "title": f"redmi 13c {oid}"}).encode()


class FakeConsumer:
    def __init__(self) -> None:
        self.commits: list[dict[TopicPartition, OffsetAndMetadata]] = []
        self.seeks: list[tuple[TopicPartition, int]] = []
        self.assigned = {TopicPartition("offers", p) for p in range(4)}
        self.stopped: set[TopicPartition] = set()

    def assignment(self) -> set[TopicPartition]:
        return set(self.assigned)

    def pause(self, *partitions: TopicPartition) -> None:
        self.stopped |= set(partitions)

    def resume(self, *partitions: TopicPartition) -> None:
        self.stopped -= set(partitions)

    def paused(self) -> set[TopicPartition]:
        return set(self.stopped)

    def highwater(self, partition: TopicPartition) -> int | None:
        return 100

    async def commit(self, offsets: dict[TopicPartition, OffsetAndMetadata]) -> None:
        self.commits.append(offsets)

    def seek(self, partition: TopicPartition, offset: int) -> None:
        self.seeks.append((partition, offset))


class FakeBroker:
    """Acknowledges each send after a delay, or fails the n-th send."""

    def __init__(self, fail_at: int | None = None) -> None:
        self.sent: list[tuple[str, bytes | None, bytes]] = []
        self.acked = 0
        self.fail_at = fail_at

    async def send(self, output: Output) -> asyncio.Future[None]:
        topic = "matches" if output.kind == "result" else "offers.dlq"
        self.sent.append((topic, output.key, output.value))
        fut: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        n = len(self.sent)

        def done() -> None:
            if self.fail_at == n:
                fut.set_exception(RuntimeError("broker down"))
            else:
                self.acked += 1
                fut.set_result(None)

        asyncio.get_running_loop().call_later(0.01, done)
        return fut


def processor(match: Any, broker: FakeBroker, ready: Any = lambda: True) -> BatchProcessor:
    batch = batch_matcher(FakePipeline(match), retry_backoff_s=0.0)  # type: ignore[arg-type]
    return BatchProcessor(batch, broker.send, Backoff(0.01, 0.05), ready)


def record_acks_at_commit(broker: FakeBroker, consumer: FakeConsumer) -> list[int]:
    """How many results the broker had confirmed at each commit (filled as commits happen)."""
    acked_at_commit: list[int] = []

    async def commit(offsets: dict[TopicPartition, OffsetAndMetadata]) -> None:
        acked_at_commit.append(broker.acked)
        consumer.commits.append(offsets)

    consumer.commit = commit  # type: ignore[method-assign]
    return acked_at_commit


async def test_commits_after_every_result_is_confirmed() -> None:
    broker, consumer = FakeBroker(), FakeConsumer()
    acked_at_commit = record_acks_at_commit(broker, consumer)
    proc = processor(fake_match, broker)
    recs = [record(0, 10, offer("a")), record(1, 5, offer("b")), record(0, 11, offer("c"))]
    await proc.handle(recs, consumer)
    await proc.drain()
    assert acked_at_commit == [3]
    assert consumer.commits[0] == {
        TopicPartition("offers", 0): OffsetAndMetadata(12, ""),
        TopicPartition("offers", 1): OffsetAndMetadata(6, ""),
    }
    assert [k for _, k, _ in broker.sent] == [b"a", b"b", b"c"]


async def test_malformed_events_go_to_dlq_and_the_rest_is_matched() -> None:
    broker, consumer = FakeBroker(), FakeConsumer()
    proc = processor(fake_match, broker)
    recs = [
        record(0, 0, offer("a")),
        record(0, 1, b"{oops", b"k1"),
        record(0, 2, b"\xff"),
        record(0, 3, b'{"offer_id": "x"}'),
        record(0, 4, offer("b")),
    ]
    await proc.handle(recs, consumer)
    await proc.drain()
    dlq = [json.loads(v) for t, _, v in broker.sent if t == "offers.dlq"]
    out = [json.loads(v)["offer_id"] for t, _, v in broker.sent if t == "matches"]
    assert out == ["a", "b"]
    assert [d["error_class"] for d in dlq] == ["invalid_json", "invalid_utf8", "invalid_fields"]
    assert dlq[0]["payload"] == "{oops" and dlq[0]["key"] == "k1" and dlq[0]["source_offset"] == 1
    assert dlq[1]["payload"] is None and dlq[1]["payload_b64"] == "/w=="
    assert consumer.commits[0] == {TopicPartition("offers", 0): OffsetAndMetadata(5, "")}
    assert proc.metrics.total("matcher_dead_letters_total") == 3


async def test_failed_publish_rewinds_pauses_and_resumes() -> None:
    broker, consumer = FakeBroker(fail_at=2), FakeConsumer()
    proc = processor(fake_match, broker)
    await proc.handle(
        [record(0, 7, offer("a")), record(0, 8, offer("b")), record(2, 3, offer("c"))], consumer
    )
    await proc.drain()
    assert consumer.commits == []
    assert sorted(consumer.seeks) == [
        (TopicPartition("offers", 0), 7),
        (TopicPartition("offers", 2), 3),
    ]
    assert proc.metrics.total("matcher_batch_retries_total") == 1 and proc.health.paused
    assert consumer.paused() == consumer.assignment()  # nothing is fetched meanwhile
    await asyncio.sleep(0.05)
    assert consumer.paused() == set()  # resumed by itself after the backoff


async def test_a_model_that_fails_for_everything_is_not_blamed_on_the_offers() -> None:
    def broken(offers: Sequence[Offer]) -> list[MatchResult]:
        raise RuntimeError("model crashed")

    broker, consumer = FakeBroker(), FakeConsumer()
    proc = processor(broken, broker)
    await proc.handle([record(0, 1, offer("a")), record(0, 2, offer("b"))], consumer)
    await proc.drain()
    assert consumer.commits == [] and consumer.seeks == [(TopicPartition("offers", 0), 1)]
    assert broker.sent == []  # no dead letters: the probe offer failed too
    assert proc.health.paused and "SystemicFailure" in (proc.health.paused_reason or "")


async def test_a_poison_offer_is_isolated_and_the_rest_committed() -> None:
    def fussy(offers: Sequence[Offer]) -> list[MatchResult]:
        if any(o.offer_id == "poison" for o in offers):
            raise OverflowError("int too large to convert")
        return fake_match(offers)

    broker, consumer = FakeBroker(), FakeConsumer()
    proc = processor(fussy, broker)
    ids = ["a", "b", "poison", "c", "d"]
    await proc.handle([record(0, i, offer(oid)) for i, oid in enumerate(ids)], consumer)
    await proc.drain()
    results = [json.loads(v)["offer_id"] for t, _, v in broker.sent if t == "matches"]
    dead = [json.loads(v) for t, _, v in broker.sent if t == "offers.dlq"]
    assert sorted(results) == ["a", "b", "c", "d"]
    assert [d["error_class"] for d in dead] == ["processing_error"]
    assert "OverflowError" in dead[0]["error_message"] and dead[0]["source_offset"] == 2
    assert consumer.commits == [{TopicPartition("offers", 0): OffsetAndMetadata(5, "")}]
    assert not proc.health.paused


async def test_an_unavailable_catalog_pauses_until_it_is_ready() -> None:
    from matcher.catalog import CatalogUnavailable

    class Down(FakePipeline):
        def catalog(self) -> Any:
            raise CatalogUnavailable("redis: connection refused")

    ready = [False]
    broker, consumer = FakeBroker(), FakeConsumer()
    batch = batch_matcher(Down(), retry_backoff_s=0.0)  # type: ignore[arg-type]
    proc = BatchProcessor(batch, broker.send, Backoff(0.01, 0.02), lambda: ready[0])
    await proc.handle([record(1, 4, offer("a"))], consumer)
    await proc.drain()
    assert broker.sent == [] and consumer.commits == []  # not dead-lettered: not its fault
    assert consumer.seeks == [(TopicPartition("offers", 1), 4)]
    await asyncio.sleep(0.1)
    assert consumer.paused() == consumer.assignment()  # still not ready: still paused
    ready[0] = True
    await asyncio.sleep(0.05)
    assert consumer.paused() == set()


async def test_partitions_revoked_mid_batch_are_not_retried() -> None:
    from aiokafka.errors import CommitFailedError

    broker, consumer = FakeBroker(), FakeConsumer()

    async def commit(offsets: dict[TopicPartition, OffsetAndMetadata]) -> None:
        raise CommitFailedError("rebalanced")

    consumer.commit = commit  # type: ignore[method-assign]
    proc = processor(fake_match, broker)
    await proc.handle([record(0, 1, offer("a"))], consumer)
    await proc.drain()
    assert (
        proc.metrics.read("matcher_batches_revoked_total") == 1
        and not proc.health.paused
        and consumer.paused() == set()
    )


async def test_shutdown_mid_batch_rewinds_without_commit() -> None:
    """A batch cancelled while its results are in flight (SIGTERM past the grace period) is
    neither committed nor lost: its partitions are rewound for the next owner."""
    never: asyncio.Future[None] = asyncio.get_running_loop().create_future()

    class StuckBroker(FakeBroker):
        async def send(self, output: Output) -> asyncio.Future[None]:
            await super().send(output)
            return never  # the broker never confirms

    broker, consumer = StuckBroker(), FakeConsumer()
    proc = processor(fake_match, broker)
    await proc.close()  # shutdown has begun: a handler waits for its own batch to finish
    task = asyncio.create_task(
        proc.handle([record(0, 4, offer("a")), record(3, 9, offer("b"))], consumer)
    )
    while len(broker.sent) < 2:
        await asyncio.sleep(0.01)
    task.cancel()
    try:
        await task
    except asyncio.CancelledError:
        pass
    else:
        raise AssertionError("the cancellation was swallowed")
    assert consumer.commits == []
    assert sorted(set(consumer.seeks)) == [  # rewound (twice is harmless: same offsets)
        (TopicPartition("offers", 0), 4),
        (TopicPartition("offers", 3), 9),
    ]
    assert proc.metrics.batches == 0


async def test_batch_metrics_count_committed_batches() -> None:
    broker, consumer = FakeBroker(), FakeConsumer()
    proc = processor(fake_match, broker)
    for n in (3, 1, 2):
        await proc.handle([record(0, i, offer(f"o{i}")) for i in range(n)], consumer)
        await proc.drain()
    assert proc.metrics.batches == 3 and proc.metrics.mean_batch == 2.0
    assert proc.metrics.read("matcher_batch_size_bucket", le="1.0") == 1  # the batch of 1
    assert proc.metrics.read("matcher_offers_total") == 6


async def test_batches_overlap_but_commit_in_order_after_their_acks() -> None:
    broker, consumer = FakeBroker(), FakeConsumer()
    acked_at_commit = record_acks_at_commit(broker, consumer)
    proc = processor(fake_match, broker)
    await proc.handle([record(0, 0, offer("a")), record(0, 1, offer("b"))], consumer)
    assert consumer.commits == [] and broker.acked == 0  # returned before the acks: overlap
    await proc.handle([record(0, 2, offer("c"))], consumer)
    assert len(consumer.commits) == 1 and acked_at_commit == [2]  # the first, after its 2 acks
    await proc.close()
    assert [c[TopicPartition("offers", 0)].offset for c in consumer.commits] == [2, 3]
    assert acked_at_commit == [2, 3]


async def test_a_failed_publish_also_rewinds_the_batch_behind_it() -> None:
    broker, consumer = FakeBroker(fail_at=1), FakeConsumer()
    proc = processor(fake_match, broker)
    await proc.handle([record(0, 0, offer("a"))], consumer)  # its publish will fail
    await proc.handle([record(1, 7, offer("b"))], consumer)  # fetched meanwhile
    await proc.close()
    assert consumer.commits == []
    assert sorted(consumer.seeks) == [
        (TopicPartition("offers", 0), 0),
        (TopicPartition("offers", 1), 7),
    ]
    assert [k for _, k, _ in broker.sent] == [b"a"]  # the second batch was never published
