"""``matcher run``, ``matcher up``, ``matcher demo``: the service and its embedded servers."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import signal
import time
from pathlib import Path
from typing import Any

from streams.cli.common import settings


def register(sub: Any) -> None:
    sub.add_parser(
        "run", help="consume offers from Kafka and publish matches (config: MATCHER_*)"
    ).set_defaults(func=run)
    up_p = sub.add_parser("up", help="run embedded Kafka-protocol broker and Redis until Ctrl-C")
    up_p.add_argument(
        "--kafka-port",
        type=int,
        default=None,
        help="broker port on 127.0.0.1 (default: a free one)",
    )
    up_p.add_argument(
        "--redis-port", type=int, default=None, help="Redis port on 127.0.0.1 (default: a free one)"
    )
    up_p.add_argument(
        "--detach",
        action="store_true",
        help="start them in the background, print the exports once ready, return "
        '(eval "$(matcher up --detach)"); `matcher down` stops them',
    )
    up_p.add_argument("--env-file", type=Path, default=None, help="also write the exports here")
    up_p.set_defaults(func=up)
    down_p = sub.add_parser("down", help="stop servers started by `matcher up --detach`")
    down_p.set_defaults(func=down)
    demo_p = sub.add_parser("demo", help="the whole data path on embedded servers")
    demo_p.add_argument(
        "--offers", type=int, default=400, help="how many generated offers to stream through"
    )
    demo_p.set_defaults(func=demo)


def run(args: argparse.Namespace) -> int:
    """The consumer until SIGTERM / Ctrl-C; with ``MATCHER_HTTP_PORT`` (not 0), its endpoint."""
    from streams.kafka.app import build_app
    from streams.ops.runner import Runner

    cfg = settings()
    runner = Runner(build_app(cfg), cfg.http_host, cfg.http_port, signals=True)
    asyncio.run(runner.serve())
    return 0


def _state() -> Path:
    """Where a detached ``matcher up`` keeps its pid, exports and log."""
    from matcher.encoding.models import default_cache_dir

    cfg = settings()
    folder = (Path(cfg.cache_dir) if cfg.cache_dir else default_cache_dir()) / "up"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _detach(args: argparse.Namespace) -> int:
    """Start ``matcher up --env-file`` in its own session; print its exports once it is ready."""
    import subprocess
    import sys

    state = _state()
    env_file = state / "env"
    env_file.unlink(missing_ok=True)
    argv = [sys.executable, "-m", "streams.cli", "up", "--env-file", str(env_file)]
    for flag, value in (("--kafka-port", args.kafka_port), ("--redis-port", args.redis_port)):
        if value:
            argv += [flag, str(value)]
    with (state / "up.log").open("ab") as log:
        proc = subprocess.Popen(
            argv, stdout=log, stderr=log, stdin=subprocess.DEVNULL, start_new_session=True
        )
    (state / "pid").write_text(str(proc.pid))
    deadline = time.monotonic() + 90
    while not env_file.exists():
        if proc.poll() is not None or time.monotonic() > deadline:
            print(f"matcher up failed; see {state / 'up.log'}", file=sys.stderr)
            return 1
        time.sleep(0.1)
    print(env_file.read_text(), end="")
    return 0


def down(args: argparse.Namespace) -> int:
    """Stop the servers of ``matcher up --detach`` (SIGTERM, then wait)."""
    import os
    import sys

    pid_file = _state() / "pid"
    pid = pid_file.read_text() if pid_file.exists() else ""
    if not pid:
        print("matcher down: no detached `matcher up` found", file=sys.stderr)
        return 1
    with contextlib.suppress(ProcessLookupError):
        os.kill(int(pid), signal.SIGTERM)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            break
        time.sleep(0.1)
    pid_file.unlink(missing_ok=True)
    return 0


def up(args: argparse.Namespace) -> int:
    """Keep embedded servers up for ``matcher run`` and friends until Ctrl-C / SIGTERM."""
    from streams.devtools.embedded import embedded
    from streams.kafka.topics import ensure_topics

    if args.detach:
        return _detach(args)
    cfg = settings()
    with embedded(args.kafka_port, args.redis_port, cfg.tansu_bin, cfg.redis_server_bin) as env:
        asyncio.run(ensure_topics(cfg.model_copy(update={"kafka_bootstrap": env.bootstrap})))
        stop = False

        def _stop(*_: object) -> None:
            nonlocal stop
            stop = True

        # before the servers are announced: a Ctrl-C right after the announcement stops cleanly
        signal.signal(signal.SIGTERM, _stop)
        signal.signal(signal.SIGINT, _stop)
        exports = (
            f"export MATCHER_KAFKA_BOOTSTRAP={env.bootstrap}\n"
            f"export MATCHER_REDIS_URL={env.redis_url}\n"
        )
        print(exports + "# servers are up; Ctrl-C stops them", flush=True)
        if args.env_file:
            tmp = args.env_file.with_suffix(".tmp")
            tmp.write_text(exports)
            tmp.replace(args.env_file)  # appears whole, once the servers are ready
        while not stop:
            time.sleep(0.2)
    if args.env_file:
        args.env_file.unlink(missing_ok=True)
    return 0


def demo(args: argparse.Namespace) -> int:
    from rich.console import Console

    from streams.devtools.demo import run_demo

    console = Console()
    try:
        report = asyncio.run(run_demo(n_offers=args.offers, console=console))
    except KeyboardInterrupt:
        console.print("interrupted: servers stopped")
        return 130
    console.print(report.summary())
    return 0 if report.distinct_out == report.offers_in else 1
