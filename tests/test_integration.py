"""End to end against real processes: Tansu (Kafka protocol) and redis-server on loopback."""

from __future__ import annotations

import asyncio
import signal
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from matcher.encoding import Encoder, namespace
from matcher.profiles import get
from streams.devtools.demo import produce
from streams.kafka.app import MATCHER, MatcherApp
from streams.kafka.topics import ensure_topics
from streams.settings import Settings
from tests.integration_helpers import (
    MARKET,
    consumer,
    consumer_process,
    load_catalog,
    offers_for,
    payloads,
    read_all,
    small_catalog,
    stop,
    wait_group_members,
)

pytestmark = pytest.mark.integration
ROOT = Path(__file__).parents[1]


@pytest.fixture()
async def running(cfg: Settings, encoder: Encoder) -> AsyncIterator[MatcherApp]:
    """An in-process consumer on the real servers, stopped after the test."""
    load_catalog(cfg, encoder, small_catalog())
    async with consumer(cfg, encoder) as matcher:
        yield matcher


async def wait_catalog_version(running: MatcherApp, version: int, timeout_s: float = 10) -> None:
    """Until the consumer's background refresher has applied ``version`` (at most a second)."""
    matcher = running.app.context.get(MATCHER)
    deadline = asyncio.get_running_loop().time() + timeout_s
    while matcher.catalog.status().version < version:
        assert asyncio.get_running_loop().time() < deadline, matcher.catalog.status()
        await asyncio.sleep(0.05)


async def test_every_offer_comes_out(cfg: Settings, encoder: Encoder, running: MatcherApp) -> None:
    items = small_catalog()
    offers = offers_for(items)
    await produce(cfg.kafka_bootstrap, cfg.input_topic, payloads(offers))
    events = await read_all(cfg, cfg.output_topic, len(offers), 120)
    results = {e["offer_id"]: e for e, _ in events}
    assert set(results) == {o["offer_id"] for o in offers}
    sample = results["o-0"]
    # the model and the profile that read the texts (the catalog's namespace)
    assert sample["catalog_version"] == 1
    assert sample["model"] == namespace(encoder.fingerprint, get(cfg.profile).tag)
    assert sample["candidates"] and sample["normalized"]
    # titles without the colour: the right model and memory is the top candidate for nearly all
    top_ok = sum(
        results[o["offer_id"]]["candidates"][0]["catalog_id"] == it.catalog_id
        or MARKET.catalog[results[o["offer_id"]]["candidates"][0]["catalog_id"]].model
        == MARKET.catalog[it.catalog_id].model
        for o, it in zip(offers, items, strict=True)
    )
    assert top_ok / len(offers) > 0.9
    metrics = running.processor.metrics
    assert metrics.batches >= 1 and 1 <= metrics.mean_batch <= cfg.batch_size


async def test_malformed_events_go_to_dlq_and_neighbours_are_matched(
    cfg: Settings, running: MatcherApp
) -> None:
    good = offers_for(small_catalog(20), tag="g")
    bad = [
        (b"b1", b"{not json"),
        (b"b2", b"\xff\xfe"),
        (b"b3", b'{"offer_id": "b3"}'),
        (b"b4", b'{"offer_id": "b4", "title": "' + b"x" * (cfg.max_title_chars + 1) + b'"}'),
    ]
    mixed = payloads(good[:10]) + bad + payloads(good[10:])
    await produce(cfg.kafka_bootstrap, cfg.input_topic, mixed)
    results = await read_all(cfg, cfg.output_topic, len(good), 120)
    dead = await read_all(cfg, cfg.dlq_topic, len(bad), 60)
    assert {e["offer_id"] for e, _ in results} == {o["offer_id"] for o in good}
    by_key = {e["key"]: e for e, _ in dead}
    assert by_key["b1"]["error_class"] == "invalid_json"
    assert by_key["b2"]["error_class"] == "invalid_utf8" and by_key["b2"]["payload_b64"] == "//4="
    assert (
        by_key["b3"]["error_class"] == "invalid_fields" and "title" in by_key["b3"]["error_message"]
    )
    assert by_key["b4"]["error_class"] == "title_too_long"
    assert all(
        e["source_topic"] == cfg.input_topic and e["source_offset"] is not None
        for e in by_key.values()
    )


async def test_catalog_update_reaches_running_consumer(
    cfg: Settings, encoder: Encoder, running: MatcherApp
) -> None:
    extra = [it for it in small_catalog(400)[300:]]  # not in the loaded catalog
    target = extra[0]
    first = [{"offer_id": "before", "title": target.title}]
    await produce(cfg.kafka_bootstrap, cfg.input_topic, payloads(first))
    before = (await read_all(cfg, cfg.output_topic, 1, 60))[0][0]
    assert before["catalog_version"] == 1 and before["catalog_id"] != target.catalog_id

    report = load_catalog(cfg, encoder, [target])
    assert report.version == 2 and not report.rebuilt  # a change: applied as a delta
    await wait_catalog_version(running, 2)
    await produce(
        cfg.kafka_bootstrap,
        cfg.input_topic,
        payloads([{"offer_id": "after", "title": target.title}]),
    )
    after = {e["offer_id"]: e for e, _ in await read_all(cfg, cfg.output_topic, 2, 60)}["after"]
    assert after["catalog_version"] == 2
    assert after["decision"] == "match" and after["catalog_id"] == target.catalog_id

    load_catalog(cfg, encoder, small_catalog(), replace=True)  # deletes the added item
    await wait_catalog_version(running, 3)
    await produce(
        cfg.kafka_bootstrap,
        cfg.input_topic,
        payloads([{"offer_id": "deleted", "title": target.title}]),
    )
    gone = {e["offer_id"]: e for e, _ in await read_all(cfg, cfg.output_topic, 3, 60)}["deleted"]
    assert gone["catalog_version"] == 3 and gone["catalog_id"] != target.catalog_id


@pytest.mark.parametrize("launcher", ["matcher-run", "faststream-workers"])
async def test_consumers_in_one_group_share_partitions(
    cfg: Settings, encoder: Encoder, launcher: str, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    await ensure_topics(cfg)
    load_catalog(cfg, encoder, small_catalog())
    if launcher == "matcher-run":
        procs = [consumer_process(cfg, log_path=str(tmp_path / f"c{i}.log")) for i in range(2)]
    else:
        line = "faststream run streams.main:app --workers 2"  # as the README shows it
        assert line in (ROOT / "README.md").read_text()
        faststream = str(Path(sys.executable).parent / "faststream")
        procs = [
            consumer_process(cfg, faststream, *line.split()[1:], log_path=str(tmp_path / "fs.log"))
        ]
    try:
        await wait_group_members(cfg, 2, timeout_s=180)
        offers = [
            dict(o, offer_id=f"s-{i}") for i, o in enumerate(offers_for(small_catalog(150) * 2))
        ]
        await produce(cfg.kafka_bootstrap, cfg.input_topic, payloads(offers))
        events = await read_all(cfg, cfg.output_topic, len(offers), 240)
    finally:
        codes = [stop(p, signal.SIGTERM) for p in procs]
    assert {e["offer_id"] for e, _ in events} == {o["offer_id"] for o in offers}
    assert len({h["matcher-instance"] for _, h in events}) == 2
    assert codes == [0] * len(procs)


def test_matcher_up_serves_until_interrupted() -> None:
    import os
    import subprocess
    import sys
    import time

    import redis

    proc = subprocess.Popen(
        [sys.executable, "-m", "streams.cli", "up"], stdout=subprocess.PIPE, text=True
    )
    try:
        exports: dict[str, str] = {}
        assert proc.stdout is not None
        deadline = time.monotonic() + 60
        while len(exports) < 2 and time.monotonic() < deadline:
            line = proc.stdout.readline()
            if line.startswith("export "):
                key, _, value = line[len("export ") :].strip().partition("=")
                exports[key] = value
        client = redis.Redis.from_url(exports["MATCHER_REDIS_URL"])
        assert client.ping()
        proc.send_signal(signal.SIGINT)
        assert proc.wait(30) == 0
        with pytest.raises(redis.ConnectionError):
            redis.Redis.from_url(exports["MATCHER_REDIS_URL"], socket_connect_timeout=1).ping()
    finally:
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGKILL)


def test_catalog_cli_loads_and_deletes(cfg: Settings, encoder: Encoder, tmp_path) -> None:  # type: ignore[no-untyped-def]
    import json
    import os
    import subprocess
    import sys

    from streams.components import live_catalog

    items = small_catalog(3)
    path = tmp_path / "catalog.jsonl"
    path.write_text(
        "".join(json.dumps({"catalog_id": i.catalog_id, "title": i.title}) + "\n" for i in items),
        encoding="utf-8",
    )
    env = dict(
        os.environ,
        MATCHER_REDIS_URL=cfg.redis_url,
        MATCHER_REDIS_PREFIX=cfg.redis_prefix,
        MATCHER_PROFILE=str(cfg.profile),
        MATCHER_MODEL=cfg.model,
    )

    def cli(*args: str) -> str:
        done = subprocess.run(
            [sys.executable, "-m", "streams.cli", *args],
            env=env,
            capture_output=True,
            text=True,
            timeout=180,
        )
        assert done.returncode == 0, done.stderr[-2000:]
        return done.stdout

    first = cli("catalog", "load", str(path))
    assert "catalog version 1" in first and "3 embedded, 0 unchanged" in first
    out = cli("catalog", "delete", items[0].catalog_id, items[1].catalog_id)
    assert "catalog version 2" in out
    snap = live_catalog(cfg, encoder).current()
    live = [str(snap.ids[r]) for r in range(snap.rows) if snap.alive[r]]
    assert snap.version == 2 and live == [items[2].catalog_id]


async def test_generic_profile_end_to_end_with_the_lexical_index_from_redis(
    cfg: Settings, encoder: Encoder
) -> None:
    """The default profile through Kafka and Redis: the n-gram index travels with the snapshot,
    and an item added later (a change, not a new snapshot) is found by its code and words."""
    from matcher.catalog import CatalogItem
    from tests.integration_helpers import consumer, read_topic

    cfg = cfg.model_copy(update={"profile": "auto", "catalog_max_staleness_s": 30.0})
    base = [
        CatalogItem(f"b-{i}", f"Бур SDS-plus KraftLine {d}x{n} мм (арт. KL{100 + i:04d})")
        for i, (d, n) in enumerate((d, n) for d in (6, 8, 10, 12) for n in (110, 160, 210))
    ]
    load_catalog(cfg, encoder, base)
    async with consumer(cfg, encoder) as app:
        store = app.app.context.get(MATCHER).catalog
        assert store.current().lexical_ready  # hydrated from Redis with its lexical rows
        load_catalog(
            cfg, encoder, [CatalogItem("z-1", "Затирка ProfiMaster черная 2 кг (арт. ПМ-ЗШ-71)")]
        )
        await wait_catalog_version(app, 2)
        offers = [
            {"offer_id": "o1", "title": "KL0104 бур сдс+ 8x160 mm KraftLine"},
            {"offer_id": "o2", "title": "ПМ-ЗШ-71 затирка д/ш черн. 2кг"},
            {"offer_id": "o3", "title": "Бур SDS-plus KraftLine 14x210 мм"},
        ]
        await produce(cfg.kafka_bootstrap, cfg.input_topic, payloads(offers))
        events = await read_topic(cfg, cfg.output_topic, lambda e: len(e) >= 3, 120)
    got = {e["offer_id"]: e["catalog_id"] for e in events}
    assert got == {"o1": "b-4", "o2": "z-1", "o3": None}
    assert all(e["model"].endswith(get("generic").tag) for e in events)
