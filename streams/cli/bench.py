"""``matcher bench``: throughput per backend and catalog scale, as a table and one JSON line."""

from __future__ import annotations

import argparse
import asyncio
import json
from typing import Any


def register(sub: Any) -> None:
    bench = sub.add_parser("bench", help="measure stream throughput and catalog scale here")
    bench.add_argument(
        "--backends", default="torch,onnx,onnx-int8", help="comma-separated; the first is the base"
    )
    bench.add_argument("--offers", type=int, default=3000, help="offers per pass")
    bench.add_argument(
        "--models",
        default=None,
        help="comma-separated models to compare (default: MATCHER_MODEL); the first is the base",
    )
    bench.add_argument(
        "--batch-size",
        type=int,
        default=None,
        help="Kafka micro-batch (default: MATCHER_BATCH_SIZE)",
    )
    bench.add_argument(
        "--encode-batch-size",
        type=int,
        default=None,
        help="model batch (default: MATCHER_ENCODE_BATCH_SIZE)",
    )
    bench.add_argument(
        "--catalog-size", type=int, action="append", default=[], help="N items (repeatable)"
    )
    bench.add_argument("--scale-backend", default="torch", help="backend of the catalog-scale runs")
    bench.add_argument("--skip-stream", action="store_true", help="catalog scale only")
    bench.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from rich.console import Console

    from streams.devtools.bench import run_scale, run_streams
    from streams.settings import Settings

    console = Console()
    report: dict[str, Any] = {}
    if not args.skip_stream:
        backends = [b.strip() for b in args.backends.split(",") if b.strip()]
        defaults = Settings()
        batch = args.batch_size or defaults.batch_size
        encode = args.encode_batch_size or defaults.encode_batch_size
        models = [m.strip() for m in (args.models or defaults.model).split(",") if m.strip()]
        report.update(asyncio.run(run_streams(backends, args.offers, batch, encode, models)))
        _table(console, "stream (offers/s)", report["streams"])
    if args.catalog_size:
        report["catalog"] = run_scale(args.catalog_size, args.scale_backend)
        _table(console, "catalog scale", report["catalog"])
    print(json.dumps(report))
    return 0


def _table(console: Any, title: str, rows: list[dict[str, Any]]) -> None:
    from rich.table import Table

    table = Table(title=title)
    table.add_column("figure")
    for row in rows:
        name = row.get("backend", row.get("catalog_items"))
        if "model" in row:
            name = f"{row['model']}\n{name}"
        table.add_column(str(name), justify="right")
    for key in rows[0]:
        table.add_row(key, *(str(row.get(key)) for row in rows))
    console.print(table)
