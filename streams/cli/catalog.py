"""``matcher catalog load`` / ``delete`` / ``status``: the catalog in Redis."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from streams.cli.common import settings


def register(sub: Any) -> None:
    cat = sub.add_parser("catalog", help="the catalog in Redis").add_subparsers(
        dest="action", required=True
    )
    load_p = cat.add_parser(
        "load",
        help="embed a JSONL/CSV catalog into Redis (read by MATCHER_PROFILE; auto: chosen from "
        "the items)",
    )
    load_p.add_argument(
        "path", type=Path, help="catalog file: JSONL or CSV with catalog_id, title, attributes"
    )
    load_p.add_argument(
        "--replace",
        action="store_true",
        help="the file is the whole catalog: delete stored items not in it (and choose the "
        "profile afresh)",
    )
    load_p.add_argument(
        "--force", action="store_true", help="allow --replace with an empty file (empties it)"
    )
    load_p.set_defaults(func=load)
    delete_p = cat.add_parser("delete", help="delete catalog items by id")
    delete_p.add_argument("ids", nargs="+", help="catalog_id of each item to delete")
    delete_p.set_defaults(func=delete)
    status_p = cat.add_parser(
        "status",
        help="the stored catalog: version, items, profile and why, schema, what to reload",
    )
    status_p.add_argument("--json", action="store_true", help="print one machine-readable object")
    status_p.set_defaults(func=status)


def load(args: argparse.Namespace) -> int:
    from matcher.catalog import read_catalog
    from matcher.catalog.ingest import EmptyReplace, ProfileChange
    from streams.components import build_encoder, load_catalog

    cfg = settings()
    items = read_catalog(args.path)
    encoder = build_encoder(cfg)
    try:
        report = load_catalog(cfg, encoder, items, replace=args.replace, force=args.force)
    except (EmptyReplace, ProfileChange) as exc:
        print(f"matcher catalog load: {exc}", file=sys.stderr)
        return 2
    print(
        f"catalog version {report.version} for model {encoder.fingerprint}: "
        f"{report.embedded} embedded, {report.unchanged} unchanged, {report.deleted} deleted; "
        f"profile {report.profile} ({report.choice or 'as stored'})"
    )
    return 0


def delete(args: argparse.Namespace) -> int:
    from matcher import profiles
    from matcher.catalog.ingest import delete as delete_items
    from streams.components import build_encoder, build_store

    cfg = settings()
    store = build_store(cfg, build_encoder(cfg))
    head = store.head()
    if head is None:
        print("matcher catalog delete: no catalog for this model", file=sys.stderr)
        return 2
    schema = profiles.get(head.profile or profiles.FALLBACK).schema
    report = delete_items(store, args.ids, schema)
    print(f"catalog version {report.version}: deleted {report.deleted} ids")
    return 0


def status(args: argparse.Namespace) -> int:
    """What a consumer would serve now: read exactly as a consumer reads it."""
    from streams.components import build_encoder, live_catalog

    cfg = settings()
    view = live_catalog(cfg, build_encoder(cfg))
    encoder = view.store
    try:
        view.refresh()
    except Exception as exc:  # no catalog, or Redis down: say so
        print(f"matcher catalog status: {type(exc).__name__}: {exc}", file=sys.stderr)
    st = view.status()
    head = view.store.head()
    report = {
        "model": encoder.fingerprint,  # the store's: the model it is namespaced by
        "namespace": view.store.ns,
        "ready": st.ready,
        "version": st.version,
        "items": st.items,
        "profile": st.profile,
        "profile_version": st.profile_version,
        "profile_choice": head.profile_choice if head else None,
        "schema_version": st.schema_version,
        "missing_columns": list(st.missing),
        "legacy_namespace": st.legacy,
        "notes": list(st.notes),
        "error": st.error,
    }
    if args.json:
        print(json.dumps(report, ensure_ascii=False))
    else:
        for key, value in report.items():
            print(f"{key:>16}: {value}")
    return 0 if head is not None else 1
