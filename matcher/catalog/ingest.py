"""Catalog items into vectors: normalize, embed, and write to Redis (re-embedding only what
changed) or build an in-memory index for offline use.

A load that changes a little is written as a change (items plus a log entry) that running
consumers apply as a delta; one that changes a lot, or the first load, writes a new base snapshot
they hydrate in the background. Either way they never stop matching.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from tqdm.auto import tqdm

from matcher.catalog.files import CatalogItem
from matcher.catalog.index import CatalogIndex
from matcher.catalog.segment import Segment
from matcher.catalog.store import RedisCatalog, StoredItem
from matcher.encoding import Encoder
from matcher.normalize import Normalized, Profile
from matcher.normalize.brands import Brands

# A change larger than this share of the catalog (or than the log allows) rewrites the base.
REBUILD_SHARE = 0.1
MIN_LOG = 1000


@dataclass(frozen=True)
class LoadReport:
    """What a load did."""

    version: int
    embedded: int
    unchanged: int
    deleted: int
    rebuilt: bool


class EmptyReplace(ValueError):
    """``--replace`` with no items would delete the whole catalog."""


def stored(items: Sequence[CatalogItem], profile: Profile) -> list[StoredItem]:
    """Normalize items; with a profile that reads catalog brands, an item that states no brand
    gets the one its title names among those the other items state."""
    norms = [profile.normalize(it.title, it.attributes) for it in items]
    if profile.catalog_brands:
        known = Brands(n.attributes.brand for n in norms if n.attributes.brand)
        norms = [
            n
            if n.attributes.brand or not known
            else dataclasses.replace(
                n, attributes=dataclasses.replace(n.attributes, brand=known.find(it.title))
            )
            for it, n in zip(items, norms, strict=True)
        ]
    return [to_stored(it, profile, n) for it, n in zip(items, norms, strict=True)]


def to_stored(item: CatalogItem, profile: Profile, norm: Normalized | None = None) -> StoredItem:
    """Normalize an item; its digest covers exactly what is embedded and guarded on."""
    norm = norm or profile.normalize(item.title, item.attributes)
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
    profile: Profile,
    replace: bool = False,
    progress: bool = True,
    force: bool = False,
    ann_min_items: int | None = None,
) -> LoadReport:
    """Upsert ``items``; with ``replace``, delete stored items that are not in ``items``.

    Items whose normalized text and attributes are unchanged keep their vectors. ``replace`` with
    no items refuses (it would empty the catalog) unless ``force``.
    """
    if replace and not items and not force:
        raise EmptyReplace("refusing to replace the catalog with nothing (use --force)")
    known = store.digests()
    fresh = stored(items, profile)
    fresh = [s for s in fresh if known.get(s.catalog_id) != s.digest]
    gone = sorted(set(known) - {it.catalog_id for it in items}) if replace else []
    head = store.head()
    if head is not None and not fresh and not gone:
        return LoadReport(head.version, 0, len(items), 0, False)
    vectors = embed(fresh, encoder, progress)
    return write(store, fresh, vectors, gone, len(items) - len(fresh), ann_min_items)


def write(
    store: RedisCatalog,
    fresh: Sequence[StoredItem],
    vectors: np.ndarray,
    gone: Sequence[str] = (),
    unchanged: int = 0,
    ann_min_items: int | None = None,
) -> LoadReport:
    """Write embedded items (and deletions) as a change or as a new base snapshot."""
    head = store.head()
    total = store.count() if head is not None else 0
    changed = len(fresh) + len(gone)
    small = changed + store.log_length() <= max(MIN_LOG, REBUILD_SHARE * total)
    if head is not None and small:
        return LoadReport(
            store.apply(fresh, vectors, gone), len(fresh), unchanged, len(gone), False
        )
    stored, matrix = store.all_items() if head is not None else ([], np.zeros((0, store.dim)))
    merged = {s.catalog_id: (s, v) for s, v in zip(stored, matrix, strict=True)}
    for cid in gone:
        merged.pop(cid, None)
    for s, v in zip(fresh, vectors, strict=True):
        merged[s.catalog_id] = (s, v)
    base = segment(
        [s for s, _ in merged.values()], [v for _, v in merged.values()], store.dim, ann_min_items
    )
    version = store.rebuild(base, fresh, vectors, gone)
    return LoadReport(version, len(fresh), unchanged, len(gone), True)


def segment(
    stored: Sequence[StoredItem],
    vectors: Sequence[np.ndarray] | np.ndarray,
    dim: int,
    ann_min_items: int | None = None,
) -> Segment:
    matrix = np.vstack(list(vectors)) if len(stored) else np.zeros((0, dim), dtype=np.float32)
    return Segment.build(
        [s.catalog_id for s in stored],
        [s.text for s in stored],
        [s.attributes for s in stored],
        matrix,
        ann_min_items,
    )


def build_index(
    items: Sequence[CatalogItem], encoder: Encoder, profile: Profile, progress: bool = True
) -> CatalogIndex:
    """An in-memory catalog with no Redis, for offline matching and evaluation."""
    found = stored(items, profile)
    return CatalogIndex(segment(found, embed(found, encoder, progress), encoder.dim))


def delete(store: RedisCatalog, ids: Sequence[str]) -> LoadReport:
    """Remove items by id (as one change); the report's ``deleted`` counts the ids given."""
    return write(store, [], np.zeros((0, store.dim), dtype=np.float32), list(ids))
