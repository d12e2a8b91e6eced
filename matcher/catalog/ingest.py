"""Catalog items into vectors: normalize, embed, and write to Redis (re-embedding only what
changed) or build an in-memory index for offline use."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from tqdm.auto import tqdm

from matcher.catalog.files import CatalogItem
from matcher.catalog.index import CatalogIndex, Entry
from matcher.catalog.store import RedisCatalog, StoredItem
from matcher.encoding import Encoder


@dataclass(frozen=True)
class LoadReport:
    """What a load did."""

    version: int
    embedded: int
    unchanged: int
    deleted: int


def to_stored(item: CatalogItem) -> StoredItem:
    """Normalize an item; its digest covers exactly what is embedded and guarded on."""
    norm = item.normalized
    payload = json.dumps([norm.text, norm.attributes.as_dict()], sort_keys=True)
    digest = hashlib.sha1(payload.encode("utf-8")).hexdigest()
    return StoredItem(item.catalog_id, norm.text, norm.attributes, digest)


def embed(
    stored: Sequence[StoredItem], encoder: Encoder, progress: bool = True, chunk: int = 256
) -> np.ndarray:
    """Embed normalized items in chunks, with a progress bar."""
    parts = []
    bar = tqdm(total=len(stored), desc="embedding catalog", unit="item", disable=not progress)
    for start in range(0, len(stored), chunk):
        batch = stored[start : start + chunk]
        parts.append(encoder.encode([s.text for s in batch]))
        bar.update(len(batch))
    bar.close()
    return np.vstack(parts) if parts else np.zeros((0, encoder.dim), dtype=np.float32)


def load(
    items: Sequence[CatalogItem],
    encoder: Encoder,
    store: RedisCatalog,
    replace: bool = False,
    progress: bool = True,
) -> LoadReport:
    """Upsert ``items``; with ``replace``, delete stored items that are not in ``items``.

    Items whose normalized text and attributes are unchanged keep their vectors.
    """
    known = store.digests()
    fresh = [s for s in map(to_stored, items) if known.get(s.catalog_id) != s.digest]
    gone = sorted(set(known) - {it.catalog_id for it in items}) if replace else []
    if not fresh and not gone and known:
        return LoadReport(store.version(), 0, len(items), 0)
    version = store.write(fresh, embed(fresh, encoder, progress), delete=gone)
    return LoadReport(version, len(fresh), len(items) - len(fresh), len(gone))


def build_index(
    items: Sequence[CatalogItem], encoder: Encoder, progress: bool = True
) -> CatalogIndex:
    """An in-memory catalog with no Redis, for offline matching and evaluation."""
    stored = [to_stored(it) for it in items]
    vectors = embed(stored, encoder, progress)
    entries = [Entry(s.catalog_id, s.attributes, s.text) for s in stored]
    return CatalogIndex(entries, vectors, version=1, dim=encoder.dim)
