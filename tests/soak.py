"""``make soak``: a long run with faults — many offers, consumers SIGKILLed over and over, a Redis
restart — counting what was lost (must be 0) and what was delivered twice.

    python -m tests.soak --offers 100000 --consumers 2 --kill-every 20

Real processes on loopback: an embedded Tansu broker, a persistent redis-server, ``matcher run``
consumers. Prints a table and one JSON line.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import signal
import tempfile
import time
from pathlib import Path
from typing import Any

from aiokafka import AIOKafkaConsumer
from rich.console import Console
from rich.progress import Progress, TextColumn
from rich.table import Table

from matcher.catalog import read_catalog
from matcher.lab.datagen import build_market, write
from streams.components import build_encoder, load_catalog
from streams.devtools.demo import offer_payload, produce
from streams.devtools.embedded import start_redis, start_tansu
from streams.kafka.topics import ensure_topics
from streams.settings import Settings
from tests.integration_helpers import consumer_process, stop


async def soak(args: argparse.Namespace) -> dict[str, Any]:
    console = Console()
    work = Path(tempfile.mkdtemp(prefix="soak-"))
    broker, store = start_tansu(), start_redis(persistent=True)
    cfg = Settings(
        kafka_bootstrap=f"127.0.0.1:{broker.port}",
        redis_url=f"redis://127.0.0.1:{store.port}/0",
        group_id="soak",
        batch_size=args.batch_size,
        catalog_max_staleness_s=2.0,
        retry_backoff_s=0.5,
        retry_backoff_max_s=4.0,
        profile="phones",  # the generated market is phones
    )
    procs: list[Any] = []
    try:
        await ensure_topics(cfg)
        market = build_market(seed=42)
        write(market, work)
        encoder = build_encoder(cfg)
        load_catalog(cfg, encoder, read_catalog(work / "catalog.jsonl"))
        titles = [o for split in market.offers.values() for o in split]
        offers = [dict(titles[i % len(titles)], offer_id=f"soak-{i}") for i in range(args.offers)]
        procs = [
            consumer_process(cfg, log_path=str(work / f"c{i}.log")) for i in range(args.consumers)
        ]
        started = time.monotonic()
        producer = asyncio.create_task(
            produce(
                cfg.kafka_bootstrap,
                cfg.input_topic,
                [(o["offer_id"].encode(), offer_payload(o)) for o in offers],
            )
        )
        seen: dict[str, int] = {}
        total = kills = redis_restarts = 0
        reader = AIOKafkaConsumer(
            cfg.output_topic, bootstrap_servers=cfg.kafka_bootstrap, auto_offset_reset="earliest"
        )
        await reader.start()
        next_kill = started + args.kill_every
        redis_at = started + args.redis_restart_after
        deadline = started + args.timeout
        rng = random.Random(7)
        progress = Progress(*Progress.get_default_columns(), TextColumn("{task.fields[faults]}"))
        task = progress.add_task("offers matched", total=len(offers), faults="")
        progress.start()
        try:
            while len(seen) < len(offers) and time.monotonic() < deadline:
                for records in (await reader.getmany(timeout_ms=500)).values():
                    for r in records:
                        oid = json.loads(r.value)["offer_id"]
                        seen[oid] = seen.get(oid, 0) + 1
                        total += 1
                now = time.monotonic()
                if now >= next_kill and len(seen) < len(offers):
                    i = rng.randrange(len(procs))
                    stop(procs[i], signal.SIGKILL)
                    procs[i] = consumer_process(cfg, log_path=str(work / f"c{i}-{kills}.log"))
                    kills += 1
                    next_kill = now + args.kill_every
                if redis_restarts == 0 and now >= redis_at:
                    store.kill()
                    await asyncio.sleep(5)
                    store.start()
                    redis_restarts += 1
                faults = f"{kills} SIGKILLs, {redis_restarts} Redis restarts"
                progress.update(task, completed=len(seen), faults=faults)
        finally:
            progress.stop()
            await reader.stop()
            await producer
        seconds = time.monotonic() - started
    finally:
        for p in procs:
            stop(p)
        broker.stop()
        store.stop()
    report = {
        "offers": len(offers),
        "results": total,
        "distinct": len(seen),
        "lost": len(offers) - len(seen),
        "duplicates": total - len(seen),
        "consumer_sigkills": kills,
        "redis_restarts": redis_restarts,
        "seconds": round(seconds, 1),
        "offers_per_s": round(len(seen) / seconds, 1),
    }
    table = Table(title="soak")
    table.add_column("figure")
    table.add_column("value", justify="right")
    for key, value in report.items():
        table.add_row(key, str(value))
    console.print(table)
    print(json.dumps(report))
    return report


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--offers", type=int, default=100_000)
    parser.add_argument("--consumers", type=int, default=2)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--kill-every", type=float, default=30.0, help="seconds between SIGKILLs")
    parser.add_argument("--redis-restart-after", type=float, default=60.0)
    parser.add_argument("--timeout", type=float, default=3600.0)
    report = asyncio.run(soak(parser.parse_args()))
    return 0 if report["lost"] == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
