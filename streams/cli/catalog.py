"""``matcher catalog load`` / ``delete``: the catalog in Redis."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from streams.cli.common import settings


def register(sub: Any) -> None:
    cat = sub.add_parser("catalog", help="the catalog in Redis").add_subparsers(
        dest="action", required=True
    )
    load_p = cat.add_parser("load", help="embed a JSONL/CSV catalog into Redis")
    load_p.add_argument("path", type=Path)
    load_p.add_argument("--replace", action="store_true", help="delete stored items not in PATH")
    load_p.add_argument(
        "--force", action="store_true", help="allow --replace with an empty file (empties it)"
    )
    load_p.set_defaults(func=load)
    delete_p = cat.add_parser("delete", help="delete catalog items by id")
    delete_p.add_argument("ids", nargs="+")
    delete_p.set_defaults(func=delete)


def load(args: argparse.Namespace) -> int:
    import sys

    from matcher.catalog import read_catalog
    from matcher.catalog.ingest import EmptyReplace
    from matcher.catalog.ingest import load as load_items
    from streams.components import build_encoder, build_store, profile_of

    cfg = settings()
    items = read_catalog(args.path)
    encoder = build_encoder(cfg)
    try:
        report = load_items(
            items,
            encoder,
            build_store(cfg, encoder),
            profile_of(cfg, encoder),
            replace=args.replace,
            force=args.force,
            ann_min_items=cfg.ann_min_items,
        )
    except EmptyReplace as exc:
        print(f"matcher catalog load: {exc}", file=sys.stderr)
        return 2
    matcher_fp = encoder.fingerprint
    print(
        f"catalog version {report.version} for model {matcher_fp}: "
        f"{report.embedded} embedded, {report.unchanged} unchanged, {report.deleted} deleted"
    )
    return 0


def delete(args: argparse.Namespace) -> int:
    from matcher.catalog.ingest import delete as delete_items
    from streams.components import build_encoder, build_store

    cfg = settings()
    report = delete_items(build_store(cfg, build_encoder(cfg)), args.ids)
    print(f"catalog version {report.version}: deleted {report.deleted} ids")
    return 0
