"""``matcher review`` (the review page) and ``matcher reviews export`` (answers as training data)."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from pathlib import Path
from typing import Any

from streams.cli.common import settings


def register(sub: Any) -> None:
    rv = sub.add_parser(
        "review",
        help="serve the review page for unsure matches (MATCHER_REVIEW_PORT, MATCHER_REVIEW_TOKEN)",
    )
    rv.set_defaults(func=serve)
    group = sub.add_parser("reviews", help="people's answers").add_subparsers(
        dest="action", required=True
    )
    ex = group.add_parser(
        "export",
        help="answers as labelled pairs (pairs.csv, for matcher train) and labelled offers "
        "(offers.jsonl, for matcher train-decision and matcher eval), plus the audit log",
    )
    ex.add_argument("--out", required=True, type=Path, help="folder to write the files to")
    ex.set_defaults(func=export)


def serve(args: argparse.Namespace) -> int:
    import uvicorn

    from streams.ops.runner import exit_zero_after_signals
    from streams.review.app import build_review_app

    cfg = settings()
    try:
        app = build_review_app(cfg)
    except ValueError as exc:
        print(f"matcher review: {exc}", file=sys.stderr)
        return 2
    print(f"review page: http://{cfg.review_host}:{cfg.review_port}/", flush=True)
    config = uvicorn.Config(app, host=cfg.review_host, port=cfg.review_port, log_config=None)
    exit_zero_after_signals()
    asyncio.run(uvicorn.Server(config).serve())
    return 0


def export(args: argparse.Namespace) -> int:
    from matcher.review.export import write
    from streams.components import build_answers, build_encoder, build_store

    cfg = settings()
    encoder = build_encoder(cfg.model_copy(update={"vector_cache_size": 0}))
    counts = write(build_answers(cfg, encoder), build_store(cfg, encoder), args.out)
    print(json.dumps({"out": str(args.out), **counts}))
    return 0
