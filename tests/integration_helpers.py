"""Helpers for tests against the real broker and Redis: catalogs, offers, consumer processes."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import time
from collections.abc import Iterable
from typing import Any

import redis
from aiokafka import AIOKafkaConsumer

from matcher.catalog import CatalogItem, RedisCatalog
from matcher.catalog.ingest import LoadReport, load
from matcher.encoding import Encoder
from matcher.lab.datagen import build_market
from streams.demo import offer_payload
from streams.settings import Settings

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
    return RedisCatalog(
        redis.Redis.from_url(cfg.redis_url), cfg.redis_prefix, encoder.fingerprint, encoder.dim
    )


def load_catalog(
    cfg: Settings, encoder: Encoder, items: list[CatalogItem], replace: bool = False
) -> LoadReport:
    return load(items, encoder, store_of(cfg, encoder), replace=replace, progress=False)


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
    env = dict(os.environ)
    env.update(
        {f"MATCHER_{k.upper()}": str(v) for k, v in cfg.model_dump().items() if v is not None}
    )
    env["HF_HUB_OFFLINE"] = "1"
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
