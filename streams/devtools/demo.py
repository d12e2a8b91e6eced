"""``matcher demo``: the whole data path on embedded servers, with a table and a summary line.

Starts Tansu and Redis as child processes, loads the demo catalog into Redis, runs a consumer,
publishes demo offers (and a few malformed events), collects every result and stops everything,
also on Ctrl-C.
"""

from __future__ import annotations

import asyncio
import json
import secrets
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from rich.console import Console
from rich.table import Table

from matcher.catalog import read_catalog
from matcher.lab.datagen import build_market, write
from streams.components import build_matcher, load_catalog
from streams.devtools.embedded import embedded
from streams.kafka.app import build_app
from streams.ops.runner import free_port, running, serving
from streams.review.app import build_review_app
from streams.settings import Settings

# What an offer on the wire carries; the generator's answer key stays out of it.
OFFER_FIELDS = ("offer_id", "supplier_id", "title", "attributes", "price", "currency", "ts")


@dataclass
class DemoReport:
    """The figures a demo run prints."""

    offers_in: int
    malformed_in: int
    results_out: int
    distinct_out: int
    dead_letters: int
    matched: int
    correct: int
    seconds: float
    batch_size: int
    mean_batch: float
    endpoint_ready: bool | None = None  # /readyz answered ready (None: no HTTP endpoint)
    reviews: int = 0  # results that went to a person
    review_url: str = ""
    waiting: int = 0  # what the review page said waits

    @property
    def offers_per_s(self) -> float:
        return self.distinct_out / self.seconds if self.seconds else 0.0

    def summary(self) -> str:
        return (
            f"offers in: {self.offers_in} (+{self.malformed_in} malformed) | results out: "
            f"{self.results_out} ({self.distinct_out} distinct offers) | dead letters: "
            f"{self.dead_letters} | matched: {self.matched} | right catalog_id: "
            f"{self.correct}/{self.offers_in} | {self.offers_per_s:.1f} offers/s | batch size "
            f"{self.batch_size} (mean {self.mean_batch:.1f})"
            + ("" if self.endpoint_ready is None else f" | /readyz: {self.endpoint_ready}")
            + f" | for review: {self.reviews} ({self.waiting} waiting at {self.review_url}/)"
        )


def offer_payload(offer: dict[str, Any]) -> bytes:
    return json.dumps(
        {k: offer[k] for k in OFFER_FIELDS if k in offer}, ensure_ascii=False
    ).encode()


async def produce(bootstrap: str, topic: str, payloads: list[tuple[bytes, bytes]]) -> None:
    """Publish (key, value) pairs and wait for every acknowledgement."""
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, linger_ms=5)
    await producer.start()
    try:
        futures = [await producer.send(topic, value=v, key=k) for k, v in payloads]
        await asyncio.gather(*futures)
    finally:
        await producer.stop()


async def collect(
    bootstrap: str,
    topic: str,
    done: Callable[[list[dict[str, Any]]], bool],
    timeout_s: float,
) -> tuple[list[dict[str, Any]], float]:
    """Read a topic from the start until ``done(events)`` or the time is up; return events and
    the time the last one arrived (``time.perf_counter``)."""
    consumer = AIOKafkaConsumer(topic, bootstrap_servers=bootstrap, auto_offset_reset="earliest")
    await consumer.start()
    out: list[dict[str, Any]] = []
    last = time.perf_counter()
    deadline = time.monotonic() + timeout_s
    try:
        while not done(out) and time.monotonic() < deadline:
            batch = await consumer.getmany(timeout_ms=200)
            for records in batch.values():
                out += [json.loads(r.value) for r in records]
                last = time.perf_counter()
    finally:
        await consumer.stop()
    return out, last


def all_ids(want: set[str]) -> Callable[[list[dict[str, Any]]], bool]:
    return lambda events: want <= {e.get("offer_id") for e in events}


async def run_demo(
    n_offers: int = 400, malformed: int = 4, console: Console | None = None
) -> DemoReport:
    console = console or Console()
    market = build_market(seed=42)
    data_dir = Path(tempfile.mkdtemp(prefix="matcher-demo-"))
    write(market, data_dir)
    offers = market.offers["test"][:n_offers]
    expected = {str(o["offer_id"]): o["expected_catalog_id"] for o in offers}
    payloads = [(str(o["offer_id"]).encode(), offer_payload(o)) for o in offers]
    bad = [b"{not json", b'{"offer_id": "x1"}', b'{"offer_id": 7, "title": "a"}', b"\xff\xfe"]
    payloads += [(f"bad-{i}".encode(), bad[i % len(bad)]) for i in range(malformed)]
    base = Settings()
    with embedded(tansu_bin=base.tansu_bin, redis_bin=base.redis_server_bin) as env:
        console.print(f"Kafka-protocol broker (Tansu) on {env.bootstrap}, Redis on {env.redis_url}")
        token = base.review_token.get_secret_value() if base.review_token else secrets.token_hex(8)
        cfg = base.model_copy(
            update={
                "kafka_bootstrap": env.bootstrap,
                "redis_url": env.redis_url,
                "group_id": "demo",
                "http_host": "127.0.0.1",
                "http_port": demo_http_port(base),
                "review_token": token,
            }
        )
        built = build_matcher(cfg)
        report = load_catalog(cfg, built.encoder, read_catalog(data_dir / "catalog.jsonl"))
        console.print(
            f"catalog version {report.version}: {report.embedded} items embedded into Redis, "
            f"profile {report.profile} ({report.choice})"
        )
        app = build_app(cfg, built)
        async with running(app, cfg.http_host, cfg.http_port) as runner:
            if runner.url:
                console.print(f"consumer endpoint: {runner.url}/readyz, /metrics, /docs")
            t0 = time.perf_counter()
            await produce(env.bootstrap, cfg.input_topic, payloads)
            results, t_last = await collect(
                env.bootstrap, cfg.output_topic, all_ids(set(expected)), 600
            )
            dlq, _ = await collect(env.bootstrap, cfg.dlq_topic, lambda e: len(e) >= malformed, 30)
            ready = await _probe(runner.url)
            async with serving(build_review_app(cfg, built.encoder)) as review_url:
                waiting = await _waiting(review_url, token)
                console.print(
                    f"review page: {review_url}/ (token {token}): {waiting} offers wait for a "
                    "person (keep it with `matcher up` + `matcher review`)"
                )
    latest = {r["offer_id"]: r for r in results}
    titles = {str(o["offer_id"]): str(o["title"]) for o in offers}
    _print_table(console, list(latest.values())[:15], titles, market)
    metrics = app.metrics
    return DemoReport(
        offers_in=len(offers),
        malformed_in=malformed,
        results_out=len(results),
        distinct_out=len(latest),
        dead_letters=len(dlq),
        matched=sum(r["decision"] == "match" for r in latest.values()),
        correct=sum(1 for oid, r in latest.items() if r["catalog_id"] == expected.get(oid)),
        seconds=t_last - t0,
        batch_size=cfg.batch_size,
        mean_batch=metrics.mean_batch,
        endpoint_ready=ready,
        reviews=sum(r["decision"] == "review" for r in latest.values()),
        review_url=review_url,
        waiting=waiting,
    )


def demo_http_port(settings: Settings) -> int:
    """The consumer's HTTP port in the demo: ``MATCHER_HTTP_PORT`` when the user set it (0 turns
    the endpoint off), else a free port, so a busy 8080 never stops the demo."""
    if "http_port" in settings.model_fields_set:
        return settings.http_port
    return free_port()


async def _waiting(url: str, token: str) -> int:
    """How many offers the review page says wait for a person."""
    import urllib.request

    def get() -> int:
        request = urllib.request.Request(
            f"{url}/api/queue?limit=1",
            headers={"Authorization": f"Bearer {token}", "X-Reviewer": "demo"},
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            return int(json.loads(response.read())["depth"])

    return await asyncio.to_thread(get)


async def _probe(url: str | None) -> bool | None:
    """Whether the running consumer's ``/readyz`` says ready (None without an endpoint)."""
    if url is None:
        return None
    import urllib.request

    def get() -> bool:
        with urllib.request.urlopen(f"{url}/readyz", timeout=5) as response:
            return bool(json.loads(response.read())["ready"])

    try:
        return await asyncio.to_thread(get)
    except Exception:
        return False


def _print_table(
    console: Console, rows: list[dict[str, Any]], titles: dict[str, str], market: Any
) -> None:
    table = Table(title=f"supplier offer → catalog item (first {len(rows)})")
    for col in ("offer", "decision", "catalog item", "score", "reason"):
        table.add_column(col, overflow="fold")
    for r in rows:
        product = market.catalog.get(r["catalog_id"]) if r["catalog_id"] else None
        score = f"{r['score']:.3f}" if r["score"] is not None else "—"
        style = "green" if r["decision"] == "match" else "yellow"
        table.add_row(
            titles.get(r["offer_id"], r["offer_id"]),
            f"[{style}]{r['decision']}[/]",
            product.catalog_title if product else "—",
            score,
            r["reason"],
        )
    console.print(table)
