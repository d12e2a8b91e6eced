"""Streaming on when input or infrastructure misbehaves, against real processes.

Every test mixes good and bad events (or faults) and asserts that every good offer has a result
and every bad one a dead letter with the right class, within a bounded time.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import redis
from pydantic import SecretStr

from matcher.encoding import Encoder
from streams.components import build_matcher
from streams.devtools.embedded import Embedded, Server, free_port, start_redis, start_tansu
from streams.kafka.topics import ensure_topics
from streams.settings import Settings
from tests.integration_helpers import (
    consumer,
    consumer_process,
    have_ids,
    load_catalog,
    offers_for,
    payloads,
    produce_to,
    read_topic,
    small_catalog,
    stop,
)
from tests.tls import TlsProxy, make_certs

pytestmark = pytest.mark.integration


def good(n: int, tag: str) -> list[dict[str, Any]]:
    return [dict(o, offer_id=f"{tag}-{i}") for i, o in enumerate(offers_for(small_catalog(n), tag))]


def published(app: Any) -> float:
    """Results this consumer has handed to the producer (its own counter)."""
    return sum(
        sample.value
        for metric in app.processor.metrics.results.collect()
        for sample in metric.samples
        if sample.name.endswith("_total")
    )


async def results_until(cfg: Settings, ids: list[str], timeout_s: float = 120) -> dict[str, Any]:
    events = await read_topic(cfg, cfg.output_topic, have_ids(ids), timeout_s)
    return {e["offer_id"]: e for e in events}


async def test_poison_events_are_dead_lettered_and_neighbours_matched(
    cfg: Settings, encoder: Encoder
) -> None:
    load_catalog(cfg, encoder, small_catalog())
    built = build_matcher(cfg, encoder)
    real = built.pipeline.match_prepared

    def boom(items: Any, index: Any = None) -> Any:  # an offer that breaks matching itself
        if any(p.offer.offer_id == "boom" for p in items):
            raise OverflowError("Python int too large to convert to C long")
        return real(items, index)

    built.pipeline.match_prepared = boom  # type: ignore[method-assign]
    deep = (
        b'{"offer_id": "d", "title": "t", "attributes": {"a": ' + b"[" * 3000 + b"]" * 3000 + b"}}"
    )
    bad: dict[bytes, tuple[bytes, str]] = {
        b"deep": (deep, "too_deep"),
        b"inf": (b'{"offer_id": "inf", "title": "redmi 13c", "attributes": {"ram": 1e999}}', "non_finite_number"),
        b"nan": (b'{"offer_id": "nan", "title": "redmi 13c", "price": NaN}', "non_finite_number"),
        b"surrogate": (b'{"offer_id": "s", "title": "redmi 13c", "supplier_id": "\\ud800"}', "invalid_string"),
        b"control": (b'{"offer_id": "c", "title": "redmi\\u000013c"}', "invalid_string"),
        b"huge": (b"{" + b"x" * 500_000, "event_too_large"),
        b"spaces": (json.dumps({"offer_id": "q", "title": "redmi 13c", "attributes": {"ram": "1" + " " * 20_000 + "x"}}).encode(), "field_too_long"),
        b"attrs": (json.dumps({"offer_id": "a", "title": "redmi 13c", "attributes": {f"k{i}": i for i in range(100)}}).encode(), "too_many_attributes"),
        b"empty": (b'{"offer_id": "e", "title": "!!! new"}', "empty_title"),
        b"utf8": (b"\xff\xfe", "invalid_utf8"),
        b"array": (b"[1, 2]", "not_an_object"),
        b"boom": (b'{"offer_id": "boom", "title": "poco x6 8/256gb"}', "processing_error"),
    }  # fmt: skip
    offers = good(40, "g")
    # Within the limits, the attribute that once took a backtracking regex seconds: matched.
    offers.append(
        {"offer_id": "slow", "title": "redmi 13c", "attributes": {"ram": "1" + " " * 900 + "x"}}
    )
    mixed = payloads(offers[:20]) + [(k, v) for k, (v, _) in bad.items()] + payloads(offers[20:])
    started = time.monotonic()
    async with consumer(cfg, encoder, built):
        await produce_to(cfg, mixed)
        results = await results_until(cfg, [o["offer_id"] for o in offers], 120)
        dead = await read_topic(cfg, cfg.dlq_topic, lambda e: len(e) >= len(bad), 60)
    assert set(results) == {o["offer_id"] for o in offers}
    got = {d["key"]: d for d in dead}
    assert {k: got[k.decode()]["error_class"] for k in bad} == {k: c for k, (_, c) in bad.items()}
    assert got["boom"]["error_message"].startswith("OverflowError")
    assert got["huge"]["payload_truncated"] and got["huge"]["payload_bytes"] == len(bad[b"huge"][0])
    assert time.monotonic() - started < 120


async def test_consumer_started_before_the_catalog_waits_for_it(
    cfg: Settings, encoder: Encoder
) -> None:
    offers = good(30, "w")
    ids = [o["offer_id"] for o in offers]
    async with consumer(cfg, encoder) as app:
        await produce_to(cfg, payloads(offers))
        early = await read_topic(cfg, cfg.output_topic, lambda e: False, 4)
        assert early == []  # no empty_catalog results for the backlog
        assert app.processor.health.paused and "CatalogMissing" in str(
            app.processor.health.paused_reason
        )
        load_catalog(cfg, encoder, small_catalog())
        results = await results_until(cfg, ids, 60)
    assert set(results) == set(ids)
    assert not any(r["reason"] == "empty_catalog" for r in results.values())
    assert sum(r["decision"] == "match" for r in results.values()) >= 25


async def test_redis_killed_mid_stream_loses_nothing(
    servers: Embedded, cfg: Settings, encoder: Encoder
) -> None:
    store = start_redis(persistent=True)
    try:
        cfg = cfg.model_copy(
            update={
                "redis_url": f"redis://127.0.0.1:{store.port}/0",
                "catalog_max_staleness_s": 1.0,
                "retry_backoff_s": 0.2,
                "retry_backoff_max_s": 1.0,
                "batch_size": 8,
            }
        )
        load_catalog(cfg, encoder, small_catalog())
        offers = good(150, "r") + [
            dict(o, offer_id=f"r2-{i}") for i, o in enumerate(good(150, "x"))
        ]
        ids = [o["offer_id"] for o in offers]
        async with consumer(cfg, encoder) as app:
            await produce_to(cfg, payloads(offers[:60]))
            await read_topic(cfg, cfg.output_topic, lambda e: len(e) >= 20, 60)
            store.kill()
            await produce_to(cfg, payloads(offers[60:]))
            for _ in range(150):  # past the staleness limit, matching stops (bounded wait)
                if app.processor.health.paused:
                    break
                await asyncio.sleep(0.1)
            assert app.processor.health.paused
            before = published(app)
            await asyncio.sleep(3)
            during = published(app)
            assert during == before < len(offers)  # nothing published while Redis is down
            store.start()  # back with its append-only file: the same catalog
            results = await results_until(cfg, ids, 120)
            assert not app.processor.health.paused
        assert set(results) == set(ids)
        assert not any(r["reason"] == "empty_catalog" for r in results.values())
    finally:
        store.stop()


@pytest.mark.long(40)
@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGKILL])
async def test_stopped_mid_batch_and_replaced_loses_nothing(
    cfg: Settings, encoder: Encoder, sig: int, tmp_path: Path
) -> None:
    cfg = cfg.model_copy(update={"batch_size": 4, "graceful_timeout_s": 1.0})
    await ensure_topics(cfg)
    load_catalog(cfg, encoder, small_catalog())
    offers = [dict(o, offer_id=f"k-{i}") for i, o in enumerate(offers_for(small_catalog(150) * 2))]
    await produce_to(cfg, payloads(offers))
    first = consumer_process(cfg, log_path=str(tmp_path / "first.log"))
    try:
        seen = await read_topic(cfg, cfg.output_topic, lambda e: len(e) >= 40, 180)
        assert 0 < len({e["offer_id"] for e in seen}) < len(offers)
        code = stop(first, sig)
        assert code == (0 if sig == signal.SIGTERM else -signal.SIGKILL)
        second = consumer_process(cfg, log_path=str(tmp_path / "second.log"))
        events = await read_topic(
            cfg, cfg.output_topic, have_ids(o["offer_id"] for o in offers), 240
        )
    finally:
        stop(first)
        stop(second)
    assert {e["offer_id"] for e in events} == {o["offer_id"] for o in offers}


@pytest.mark.long(40)
async def test_a_member_joining_mid_stream_loses_nothing_and_does_not_loop(
    cfg: Settings, encoder: Encoder, tmp_path: Path
) -> None:
    cfg = cfg.model_copy(update={"batch_size": 8})
    await ensure_topics(cfg)
    load_catalog(cfg, encoder, small_catalog())
    offers = [dict(o, offer_id=f"j-{i}") for i, o in enumerate(offers_for(small_catalog(150) * 3))]
    await produce_to(cfg, payloads(offers))
    procs = [consumer_process(cfg, log_path=str(tmp_path / "a.log"))]
    try:
        await read_topic(cfg, cfg.output_topic, lambda e: len(e) >= 50, 180)
        procs.append(consumer_process(cfg, log_path=str(tmp_path / "b.log")))
        events = await read_topic(
            cfg, cfg.output_topic, have_ids(o["offer_id"] for o in offers), 240
        )
    finally:
        codes = [stop(p) for p in procs]
    assert {e["offer_id"] for e in events} == {o["offer_id"] for o in offers}
    assert len(events) < 1.5 * len(offers)  # a few redelivered batches, no loop
    assert codes == [0, 0]


@pytest.fixture()
def tls_broker(tmp_path: Path) -> Iterator[tuple[int, Path, TlsProxy]]:
    """A real Tansu behind a TLS proxy: clients see TLS on the advertised port."""
    ca, cert, key = make_certs(tmp_path)
    plain, public = free_port(), free_port()
    broker = start_tansu(plain, advertised_port=public)
    try:
        with TlsProxy(plain, cert, key, public) as proxy:
            yield public, ca, proxy
    finally:
        broker.stop()


async def test_tls_to_the_broker(
    cfg: Settings, encoder: Encoder, tls_broker: tuple[int, Path, TlsProxy]
) -> None:
    port, ca, proxy = tls_broker
    cfg = cfg.model_copy(
        update={
            "kafka_bootstrap": f"127.0.0.1:{port}",
            "kafka_security_protocol": "SSL",
            "kafka_ssl_cafile": str(ca),
        }
    )
    load_catalog(cfg, encoder, small_catalog())
    offers = good(20, "tls")
    async with consumer(cfg, encoder):
        await produce_to(cfg, payloads(offers))
        results = await results_until(cfg, [o["offer_id"] for o in offers], 60)
    assert len(results) == len(offers) and proxy.handshakes > 0
    # A client that does not trust the test CA gets no connection at all.
    untrusted = cfg.model_copy(update={"kafka_ssl_cafile": None})
    with pytest.raises(Exception, match=r"(?i)certificate|ssl|connect"):
        await asyncio.wait_for(produce_to(untrusted, payloads(offers[:1])), 30)


async def test_redis_auth_and_no_secret_in_the_log(
    cfg: Settings, encoder: Encoder, tmp_path: Path
) -> None:
    password, sasl = "s3cret-Redis-Pa55", "s3cret-Kafka-Pa55"
    store = start_redis(password=password)
    try:
        url = f"redis://127.0.0.1:{store.port}/0"
        with pytest.raises(redis.AuthenticationError):
            redis.Redis.from_url(url).ping()
        cfg = cfg.model_copy(
            update={
                "redis_url": url,
                "redis_password": SecretStr(password),
                "kafka_sasl_password": SecretStr(sasl),  # unused with PLAINTEXT; must not leak
                "log_level": "DEBUG",
            }
        )
        assert password not in repr(cfg) and sasl not in str(cfg.model_dump())
        load_catalog(cfg, encoder, small_catalog())  # with the password from the settings
        await ensure_topics(cfg)
        offers = good(10, "auth")
        await produce_to(cfg, payloads(offers))
        log = tmp_path / "run.log"
        proc = consumer_process(cfg, log_path=str(log))
        try:
            results = await results_until(cfg, [o["offer_id"] for o in offers], 120)
        finally:
            stop(proc)
        assert len(results) == len(offers)
        text = log.read_text(errors="replace")
        assert "matching with model" in text  # the start-up was logged, at DEBUG
        assert password not in text and sasl not in text
    finally:
        store.stop()


@pytest.fixture()
def durable_broker(tmp_path: Path) -> Iterator[Server]:
    """Tansu on a local S3 (moto): topics, records and committed offsets survive a restart."""
    import boto3

    port = free_port()
    moto = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        s3 = boto3.client(
            "s3",
            endpoint_url=f"http://127.0.0.1:{port}",
            aws_access_key_id="x",
            aws_secret_access_key="x",
            region_name="eu-west-1",
        )
        deadline = time.monotonic() + 30
        while True:
            try:
                s3.create_bucket(
                    Bucket="tansu", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"}
                )
                break
            except Exception:
                assert time.monotonic() < deadline, "moto did not start"
                time.sleep(0.3)
        env = dict(
            os.environ,
            AWS_ENDPOINT=f"http://127.0.0.1:{port}",
            AWS_ALLOW_HTTP="true",
            AWS_ACCESS_KEY_ID="x",
            AWS_SECRET_ACCESS_KEY="x",
            AWS_DEFAULT_REGION="eu-west-1",
        )
        broker = start_tansu(storage="s3://tansu/", env=env)
        try:
            yield broker
        finally:
            broker.stop()
    finally:
        moto.terminate()
        moto.wait(10)


async def test_broker_restart_mid_stream_loses_nothing(
    cfg: Settings, encoder: Encoder, durable_broker: Server
) -> None:
    cfg = cfg.model_copy(
        update={
            "kafka_bootstrap": f"127.0.0.1:{durable_broker.port}",
            "retry_backoff_s": 0.5,
            "retry_backoff_max_s": 2.0,
            "batch_size": 8,
        }
    )
    load_catalog(cfg, encoder, small_catalog())
    offers = good(150, "b1") + [dict(o, offer_id=f"b2-{i}") for i, o in enumerate(good(100, "b"))]
    ids = [o["offer_id"] for o in offers]
    async with consumer(cfg, encoder):
        await produce_to(cfg, payloads(offers[:150]))
        await read_topic(cfg, cfg.output_topic, lambda e: len(e) >= 30, 60)
        durable_broker.kill()
        await asyncio.sleep(2)
        durable_broker.start()
        await produce_to(cfg, payloads(offers[150:]))
        results = await results_until(cfg, ids, 180)
    assert set(results) == set(ids)
