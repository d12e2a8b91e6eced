"""Catalog files: JSONL or CSV rows with ``catalog_id``, ``title`` and optional attributes."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

_RESERVED = {"catalog_id", "title", "attributes"}


@dataclass(frozen=True)
class CatalogItem:
    """One catalog row as loaded."""

    catalog_id: str
    title: str
    attributes: dict[str, object] = field(default_factory=dict)


def _item(row: dict[str, object], where: str) -> CatalogItem:
    cid, title = row.get("catalog_id"), row.get("title")
    if cid in (None, "") or not isinstance(title, str) or not title.strip():
        raise ValueError(f"{where}: a catalog row needs catalog_id and title, got {row!r}")
    attrs = row.get("attributes")
    attributes: dict[str, object] = dict(attrs) if isinstance(attrs, dict) else {}
    for key, value in row.items():
        if key not in _RESERVED and value not in (None, ""):
            attributes.setdefault(key, value)
    return CatalogItem(str(cid), title, attributes)


def read_catalog(path: str | Path) -> list[CatalogItem]:
    """Read a ``.jsonl`` / ``.json`` or ``.csv`` catalog; a later duplicate id replaces an earlier."""
    return list({item.catalog_id: item for item in iter_catalog(path)}.values())


def iter_catalog(path: str | Path) -> Iterator[CatalogItem]:
    p = Path(path)
    if p.suffix.lower() == ".csv":
        with p.open(newline="", encoding="utf-8") as fh:
            for n, row in enumerate(csv.DictReader(fh), start=2):
                yield _item(dict(row), f"{p}:{n}")
        return
    with p.open(encoding="utf-8") as fh:
        for n, line in enumerate(fh, start=1):
            if line.strip():
                yield _item(json.loads(line), f"{p}:{n}")
