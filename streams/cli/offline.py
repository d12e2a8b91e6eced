"""``matcher match``: the consumer's batch path on files — JSONL offers in, JSONL results out."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from matcher.profiles import PROFILES
from streams.cli.common import settings


def register(sub: Any) -> None:
    match_p = sub.add_parser(
        "match", help="match a JSONL file of offers offline (the consumer's batch path, no Kafka)"
    )
    match_p.add_argument(
        "--catalog",
        required=True,
        type=Path,
        help="catalog file (JSONL or CSV), embedded in memory",
    )
    match_p.add_argument(
        "--offers", required=True, type=Path, help="offers, one JSON event per line"
    )
    match_p.add_argument(
        "--out", type=Path, default=None, help="write results here (JSONL; default: stdout)"
    )
    match_p.add_argument(
        "--profile",
        default=None,
        help=f"how listings are read: auto (chosen from the catalog), {', '.join(PROFILES)} "
        "(default: MATCHER_PROFILE, auto)",
    )
    match_p.set_defaults(func=match)


def match(args: argparse.Namespace) -> int:
    """Results (the output events' JSON) to ``--out`` or stdout; invalid lines reported on stderr,
    exit 2 when there were any."""
    import json

    from matcher.batch import RawRecord
    from streams.components import build_matcher

    cfg = settings()
    if args.profile:
        cfg = cfg.model_copy(update={"profile": args.profile})
    matcher = build_matcher(cfg, catalog_file=args.catalog)
    with open(args.offers, "rb") as fh:
        records = [
            RawRecord(line.rstrip(b"\r\n"), offset=n)
            for n, line in enumerate(fh, 1)
            if line.strip()
        ]
    out = open(args.out, "w", encoding="utf-8") if args.out else sys.stdout  # noqa: SIM115
    bad = n = 0
    try:
        for start in range(0, len(records), cfg.batch_size):
            chunk = records[start : start + cfg.batch_size]
            for output in matcher.batch.run(chunk):
                if output.kind == "result":
                    out.write(output.value.decode() + "\n")
                    n += 1
                else:
                    bad += 1
                    dead = json.loads(output.value)
                    print(
                        f"{args.offers}:{dead['source_offset']}: {dead['error_class']}: "
                        f"{dead['error_message']}",
                        file=sys.stderr,
                    )
    finally:
        if out is not sys.stdout:
            out.close()
    index = matcher.pipeline.catalog()
    reading = index.reading
    print(
        f"{n} results, {bad} invalid offers; profile {index.profile}"
        + (f" ({reading.choice})" if reading and reading.choice else ""),
        file=sys.stderr,
    )
    return 0 if bad == 0 else 2
