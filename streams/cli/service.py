"""``matcher run``, ``matcher up``, ``matcher demo``: the service and its embedded servers."""

from __future__ import annotations

import argparse
import asyncio
import signal
import time
from typing import Any

from streams.cli.common import settings


def register(sub: Any) -> None:
    sub.add_parser(
        "run", help="consume offers from Kafka and publish matches (config: MATCHER_*)"
    ).set_defaults(func=run)
    up_p = sub.add_parser("up", help="run embedded Kafka-protocol broker and Redis until Ctrl-C")
    up_p.add_argument("--kafka-port", type=int, default=None)
    up_p.add_argument("--redis-port", type=int, default=None)
    up_p.set_defaults(func=up)
    demo_p = sub.add_parser("demo", help="the whole data path on embedded servers")
    demo_p.add_argument("--offers", type=int, default=400)
    demo_p.set_defaults(func=demo)


def run(args: argparse.Namespace) -> int:
    from streams.app import build_app

    asyncio.run(build_app(settings()).app.run())
    return 0


def up(args: argparse.Namespace) -> int:
    """Keep embedded servers up for ``matcher run`` and friends until Ctrl-C / SIGTERM."""
    from streams.embedded import embedded
    from streams.topics import ensure_topics

    cfg = settings()
    with embedded(args.kafka_port, args.redis_port, cfg.tansu_bin, cfg.redis_server_bin) as env:
        asyncio.run(ensure_topics(cfg.model_copy(update={"kafka_bootstrap": env.bootstrap})))
        print(f"export MATCHER_KAFKA_BOOTSTRAP={env.bootstrap}")
        print(f"export MATCHER_REDIS_URL={env.redis_url}")
        print("# servers are up; Ctrl-C stops them", flush=True)
        stop = False

        def _stop(*_: object) -> None:
            nonlocal stop
            stop = True

        signal.signal(signal.SIGTERM, _stop)
        signal.signal(signal.SIGINT, _stop)
        while not stop:
            time.sleep(0.2)
    return 0


def demo(args: argparse.Namespace) -> int:
    from rich.console import Console

    from streams.demo import run_demo

    console = Console()
    try:
        report = asyncio.run(run_demo(n_offers=args.offers, console=console))
    except KeyboardInterrupt:
        console.print("interrupted: servers stopped")
        return 130
    console.print(report.summary())
    return 0 if report.distinct_out == report.offers_in else 1
