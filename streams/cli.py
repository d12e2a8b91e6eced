"""The ``matcher`` command: run the consumer, load the catalog, match offline, demo, generate data."""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import signal
import sys
import time
from collections.abc import Sequence
from pathlib import Path


def _settings():  # type: ignore[no-untyped-def]
    from matcher.settings import get_settings

    return get_settings()


def cmd_run(args: argparse.Namespace) -> int:
    from streams.app import build_app

    asyncio.run(build_app(_settings()).run())
    return 0


def cmd_up(args: argparse.Namespace) -> int:
    """Keep embedded servers up for ``matcher run`` and friends until Ctrl-C / SIGTERM."""
    from matcher.settings import Settings
    from streams.embedded import embedded
    from streams.topics import ensure_topics

    with embedded(args.kafka_port, args.redis_port) as env:
        asyncio.run(ensure_topics(Settings(kafka_bootstrap=env.bootstrap)))
        print(f"export MATCHER_KAFKA_BOOTSTRAP={env.bootstrap}")
        print(f"export MATCHER_REDIS_URL={env.redis_url}")
        print("# servers are up; Ctrl-C stops them", flush=True)
        stop = False

        def _stop(*_: object) -> None:
            nonlocal stop
            stop = True

        signal.signal(signal.SIGTERM, _stop)
        try:
            while not stop:
                time.sleep(0.5)
        except KeyboardInterrupt:
            pass
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
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


def _encoder_and_store(cfg):  # type: ignore[no-untyped-def]
    import redis

    from matcher.catalog import RedisCatalog
    from matcher.encoder import Encoder

    enc = Encoder(cfg.model, device=cfg.device, batch_size=cfg.batch_size)
    store = RedisCatalog(
        redis.Redis.from_url(cfg.redis_url), cfg.redis_prefix, enc.fingerprint, enc.dim
    )
    return enc, store


def cmd_catalog_load(args: argparse.Namespace) -> int:
    from matcher.catalog import read_catalog
    from matcher.catalog.loader import load

    enc, store = _encoder_and_store(_settings())
    items = read_catalog(args.path)
    report = load(items, enc, store, replace=args.replace)
    print(
        f"catalog version {report.version} for model {enc.fingerprint}: {report.embedded} embedded, "
        f"{report.unchanged} unchanged, {report.deleted} deleted"
    )
    return 0


def cmd_catalog_delete(args: argparse.Namespace) -> int:
    import numpy as np

    enc, store = _encoder_and_store(_settings())
    version = store.write([], np.zeros((0, enc.dim), dtype=np.float32), delete=args.ids)
    print(f"catalog version {version}: deleted {len(args.ids)} ids")
    return 0


def cmd_match(args: argparse.Namespace) -> int:
    """The streaming pipeline offline: JSONL offers in, JSONL results (output-event fields) out."""
    from matcher.catalog import read_catalog
    from matcher.catalog.loader import build_index
    from matcher.decision import DecisionPolicy
    from matcher.encoder import Encoder
    from matcher.pipeline import MatchPipeline
    from matcher.validation import InvalidOffer, parse_offer
    from streams.service import threshold_for

    cfg = _settings()
    enc = Encoder(cfg.model, device=cfg.device, batch_size=cfg.batch_size)
    index = build_index(read_catalog(args.catalog), enc)
    policy = DecisionPolicy(threshold_for(cfg, enc), guards=cfg.guards)
    pipeline = MatchPipeline(enc, lambda: index, policy, top_k=cfg.top_k)
    out = open(args.out, "w", encoding="utf-8") if args.out else sys.stdout  # noqa: SIM115
    bad = n = 0
    try:
        with open(args.offers, "rb") as fh:
            lines = [(i, line) for i, line in enumerate(fh, 1) if line.strip()]
        for start in range(0, len(lines), cfg.batch_size):
            offers = []
            for i, line in lines[start : start + cfg.batch_size]:
                try:
                    offers.append(parse_offer(line.rstrip(b"\r\n"), cfg.max_title_chars))
                except InvalidOffer as exc:
                    bad += 1
                    print(f"{args.offers}:{i}: {exc.kind}: {exc}", file=sys.stderr)
            for result in pipeline.match(offers):
                out.write(result.model_dump_json() + "\n")
                n += 1
    finally:
        if out is not sys.stdout:
            out.close()
    print(f"{n} results, {bad} invalid offers", file=sys.stderr)
    return 0 if bad == 0 else 2


def cmd_generate(args: argparse.Namespace) -> int:
    from matcher.datagen import build_market, write

    counts = write(build_market(seed=args.seed), args.out)
    print(json.dumps(counts))
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="matcher", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    sub.add_parser(
        "run", help="consume offers from Kafka and publish matches (config: MATCHER_*)"
    ).set_defaults(func=cmd_run)

    up = sub.add_parser("up", help="run embedded Kafka-protocol broker and Redis until Ctrl-C")
    up.add_argument("--kafka-port", type=int, default=None)
    up.add_argument("--redis-port", type=int, default=None)
    up.set_defaults(func=cmd_up)

    demo = sub.add_parser("demo", help="the whole data path on embedded servers")
    demo.add_argument("--offers", type=int, default=400)
    demo.set_defaults(func=cmd_demo)

    cat = sub.add_parser("catalog", help="the catalog in Redis").add_subparsers(
        dest="action", required=True
    )
    cload = cat.add_parser("load", help="embed a JSONL/CSV catalog into Redis")
    cload.add_argument("path", type=Path)
    cload.add_argument("--replace", action="store_true", help="delete stored items not in PATH")
    cload.set_defaults(func=cmd_catalog_load)
    cdel = cat.add_parser("delete", help="delete catalog items by id")
    cdel.add_argument("ids", nargs="+")
    cdel.set_defaults(func=cmd_catalog_delete)

    match = sub.add_parser("match", help="match a JSONL file of offers offline")
    match.add_argument("--catalog", required=True, type=Path)
    match.add_argument("--offers", required=True, type=Path)
    match.add_argument("--out", type=Path, default=None)
    match.set_defaults(func=cmd_match)

    gen = sub.add_parser(
        "generate", help="write the synthetic phone market (catalog, offers, pairs)"
    )
    gen.add_argument("--out", required=True, type=Path)
    gen.add_argument("--seed", type=int, default=42)
    gen.set_defaults(func=cmd_generate)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    logging.basicConfig(
        level=os.environ.get("MATCHER_LOG_LEVEL", "INFO"),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    for noisy in ("aiokafka", "httpx", "sentence_transformers", "transformers"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    args = build_parser().parse_args(argv)
    return int(args.func(args))


if __name__ == "__main__":
    sys.exit(main())
