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
    load_p.set_defaults(func=load)
    delete_p = cat.add_parser("delete", help="delete catalog items by id")
    delete_p.add_argument("ids", nargs="+")
    delete_p.set_defaults(func=delete)


def load(args: argparse.Namespace) -> int:
    from matcher.catalog import read_catalog
    from matcher.catalog.ingest import load as load_items
    from streams.components import build_matcher

    matcher = build_matcher(settings())
    report = load_items(read_catalog(args.path), matcher.encoder, matcher.redis_store, args.replace)
    print(
        f"catalog version {report.version} for model {matcher.encoder.fingerprint}: "
        f"{report.embedded} embedded, {report.unchanged} unchanged, {report.deleted} deleted"
    )
    return 0


def delete(args: argparse.Namespace) -> int:
    from streams.components import build_matcher

    version = build_matcher(settings()).redis_store.delete(args.ids)
    print(f"catalog version {version}: deleted {len(args.ids)} ids")
    return 0
