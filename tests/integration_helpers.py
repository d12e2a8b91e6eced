"""Helpers for tests against the real broker and Redis: catalogs, offers, consumer processes."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Callable, Iterable
from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer

from matcher.catalog import CatalogItem, RedisCatalog
from matcher.catalog.ingest import LoadReport
from matcher.encoding import Encoder
from matcher.lab.datagen import build_market
from streams.components import Matcher, build_matcher, build_store
from streams.components import load_catalog as load_into_redis
from streams.devtools.demo import offer_payload
from streams.kafka.app import MatcherApp, build_app
from streams.ops.runner import running
from streams.security import kafka_client_options
from streams.settings import Settings, to_env

MARKET = build_market(42)


def small_catalog(n: int = 150) -> list[CatalogItem]:
    return [
        CatalogItem(cid, p.catalog_title, p.attributes())
        for cid, p in list(MARKET.catalog.items())[:n]
    ]


def offers_for(items: Iterable[CatalogItem], tag: str = "o") -> list[dict[str, Any]]:
    return [
        {"offer_id": f"{tag}-{i}", "title": it.title.split(" (")[0]} for i, it in enumerate(items)
    ]


def store_of(cfg: Settings, encoder: Encoder) -> RedisCatalog:
    return build_store(cfg, encoder)


def load_catalog(
    cfg: Settings, encoder: Encoder, items: list[CatalogItem], replace: bool = False
) -> LoadReport:
    return load_into_redis(cfg, encoder, items, replace=replace, progress=False)


def payloads(offers: list[dict[str, Any]]) -> list[tuple[bytes, bytes]]:
    return [(str(o["offer_id"]).encode(), offer_payload(o)) for o in offers]


async def read_all(
    cfg: Settings, topic: str, want: int, timeout_s: float
) -> list[tuple[dict[str, Any], dict[str, str]]]:
    """Events (and headers) on ``topic`` until ``want`` distinct keys are seen or time is up."""
    consumer = AIOKafkaConsumer(
        topic, bootstrap_servers=cfg.kafka_bootstrap, auto_offset_reset="earliest"
    )
    await consumer.start()
    out: list[tuple[dict[str, Any], dict[str, str]]] = []
    keys: set[bytes | None] = set()
    deadline = time.monotonic() + timeout_s
    try:
        while len(keys) < want and time.monotonic() < deadline:
            for records in (await consumer.getmany(timeout_ms=200)).values():
                for r in records:
                    out.append((json.loads(r.value), {k: v.decode() for k, v in r.headers}))
                    keys.add(r.key)
    finally:
        await consumer.stop()
    return out


def consumer_process(
    cfg: Settings, *extra: str, log_path: str | None = None
) -> subprocess.Popen[bytes]:
    """``matcher run`` (or ``faststream run`` with ``extra``) as a separate process."""
    env = {**os.environ, **to_env(cfg), "HF_HUB_OFFLINE": "1"}
    cmd = [sys.executable, "-m", "streams.cli", "run"] if not extra else list(extra)
    out = open(log_path, "wb") if log_path else subprocess.DEVNULL  # noqa: SIM115
    return subprocess.Popen(
        cmd, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
    )


async def wait_group_members(cfg: Settings, members: int, timeout_s: float = 120.0) -> None:
    """Until the consumer group has ``members`` members that each hold partitions."""
    from aiokafka.admin import AIOKafkaAdminClient

    admin = AIOKafkaAdminClient(bootstrap_servers=cfg.kafka_bootstrap)
    await admin.start()
    deadline = time.monotonic() + timeout_s
    try:
        while time.monotonic() < deadline:
            groups = await admin.describe_consumer_groups([cfg.group_id])
            state = groups[0].groups[0] if groups and groups[0].groups else None
            if state is not None and state[2] == "Stable" and len(state[5]) == members:
                return
            await asyncio.sleep(0.5)
    finally:
        await admin.close()
    raise TimeoutError(f"group {cfg.group_id} did not reach {members} stable members")


def stop(proc: subprocess.Popen[bytes], sig: int = 15, timeout: float = 60) -> int:
    if proc.poll() is None:
        os.killpg(proc.pid, sig)
        try:
            return proc.wait(timeout)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, 9)
            return proc.wait(10)
    return int(proc.returncode)


@contextlib.asynccontextmanager
async def consumer(
    cfg: Settings, encoder: Encoder, built: Matcher | None = None
) -> AsyncIterator[MatcherApp]:
    """An in-process ``matcher run`` on ``cfg``, stopped (and awaited) on exit."""
    matcher = build_app(cfg, built or build_matcher(cfg, encoder))
    async with running(matcher):
        yield matcher


async def produce_to(cfg: Settings, payloads: list[tuple[bytes, bytes]]) -> None:
    """Publish (key, value) pairs to the input topic with the settings' security."""
    producer = AIOKafkaProducer(
        bootstrap_servers=cfg.kafka_bootstrap,
        max_request_size=2 << 20,
        **kafka_client_options(cfg),
    )
    await producer.start()
    try:
        futures = [await producer.send(cfg.input_topic, value=v, key=k) for k, v in payloads]
        await asyncio.gather(*futures)
    finally:
        await producer.stop()


async def read_topic(
    cfg: Settings, topic: str, done: Callable[[list[dict[str, Any]]], bool], timeout_s: float
) -> list[dict[str, Any]]:
    """Events of ``topic`` (with the settings' security) until ``done(events)`` or time is up."""
    reader = AIOKafkaConsumer(
        topic,
        bootstrap_servers=cfg.kafka_bootstrap,
        auto_offset_reset="earliest",
        **kafka_client_options(cfg),
    )
    await reader.start()
    out: list[dict[str, Any]] = []
    deadline = time.monotonic() + timeout_s
    try:
        while not done(out) and time.monotonic() < deadline:
            for records in (await reader.getmany(timeout_ms=200)).values():
                out += [json.loads(r.value) for r in records]
    finally:
        await reader.stop()
    return out


def have_ids(ids: Iterable[str]) -> Callable[[list[dict[str, Any]]], bool]:
    want = set(ids)
    return lambda events: want <= {e.get("offer_id") for e in events}
