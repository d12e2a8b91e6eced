"""Catalog items into vectors: normalize, embed, and write to Redis (re-embedding only what
changed) or build an in-memory index for offline use.

A load that changes a little is written as a change (items plus a log entry) that running
consumers apply as a delta; one that changes a lot, the first load, or one read by another
profile (or normalizer version) than the stored catalog, writes a new base snapshot they hydrate
in the background. Either way they never stop matching. Items are stored with their source
(title and attributes as given), so a new normalizer can read them again from Redis.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np
from tqdm.auto import tqdm

from matcher.catalog.files import CatalogItem
from matcher.catalog.index import CatalogIndex
from matcher.catalog.segment import Segment
from matcher.catalog.store import Reading, RedisCatalog, StoredItem
from matcher.encoding import Encoder
from matcher.normalize import Normalized, Schema, lines
from matcher.normalize.lines import Lines
from matcher.normalize.lines import learn as learn_lines

# A change larger than this share of the catalog (or than the log allows) rewrites the base.
REBUILD_SHARE = 0.1
MIN_LOG = 1000


class Reader(Protocol):
    """What loading needs of a profile (:class:`matcher.profiles.Profile`)."""

    @property
    def name(self) -> str: ...

    @property
    def version(self) -> str: ...

    @property
    def schema(self) -> Schema: ...

    @property
    def line_names(self) -> bool: ...

    def normalize(
        self, title: str, attributes: Mapping[str, object] | None = None
    ) -> Normalized: ...

    def with_catalog_brands(
        self, norms: Sequence[Normalized], titles: Sequence[str]
    ) -> list[Normalized]: ...


@dataclass(frozen=True)
class LoadReport:
    """What a load did, and which profile read the catalog (and why)."""

    version: int
    embedded: int
    unchanged: int
    deleted: int
    rebuilt: bool
    profile: str = ""
    choice: str = ""


class EmptyReplace(ValueError):
    """``--replace`` with no items would delete the whole catalog."""


class ProfileChange(ValueError):
    """The catalog must be read again by another profile, and some items cannot be."""


def reading(profile: Reader, choice: str = "") -> Reading:
    return Reading(profile.name, profile.version, profile.schema.version, choice)


def stored(items: Sequence[CatalogItem], profile: Reader) -> list[StoredItem]:
    """Normalize items (with a profile that reads catalog brands, an item that states no brand
    gets the one its title names among those the other items state)."""
    norms = [profile.normalize(it.title, it.attributes) for it in items]
    norms = profile.with_catalog_brands(norms, [it.title for it in items])
    return [to_stored(it, n) for it, n in zip(items, norms, strict=True)]


def to_stored(item: CatalogItem, norm: Normalized) -> StoredItem:
    """A normalized item; its digest covers exactly what is embedded and guarded on."""
    payload = json.dumps([norm.text, norm.attributes.as_dict()], sort_keys=True)
    digest = hashlib.sha1(payload.encode("utf-8")).hexdigest()
    given = dict(item.attributes) if item.attributes else {}
    return StoredItem(item.catalog_id, norm.text, norm.attributes, digest, item.title, given)


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
    profile: Reader,
    choice: str = "",
    replace: bool = False,
    progress: bool = True,
    force: bool = False,
    ann_min_items: int | None = None,
) -> LoadReport:
    """Upsert ``items`` read by ``profile`` (``choice``: why that one); with ``replace``, delete
    stored items that are not in ``items``.

    Items whose normalized text and attributes are unchanged keep their vectors. ``replace`` with
    no items refuses (it would empty the catalog) unless ``force``. When the stored catalog was
    read by another profile or normalizer version, the stored items are read again from their
    sources and the whole catalog becomes a new snapshot.
    """
    if replace and not items and not force:
        raise EmptyReplace("refusing to replace the catalog with nothing (use --force)")
    head = store.head()
    given = {it.catalog_id for it in items}
    reread: list[CatalogItem] = []
    changed_reading = head is not None and (
        head.profile != profile.name or head.profile_version != profile.version
    )
    if head is not None and changed_reading:
        old, _ = store.all_items()
        kept = [s for s in old if s.catalog_id not in given and not replace]
        lost = [s.catalog_id for s in kept if s.title is None]
        if lost:
            raise ProfileChange(
                f"the stored catalog was read as {head.profile} {head.profile_version}; "
                f"{len(lost)} stored items (e.g. {lost[0]}) have no source to read again as "
                f"{profile.name} {profile.version}: load the whole catalog with --replace"
            )
        reread = [CatalogItem(s.catalog_id, s.title or "", s.given or {}) for s in kept]
    known = store.digests()
    fresh = stored([*items, *reread], profile)
    unchanged = len(fresh)
    fresh = [s for s in fresh if known.get(s.catalog_id) != s.digest]
    unchanged -= len(fresh)
    gone = sorted(set(known) - given) if replace else []
    if head is not None and not fresh and not gone and not changed_reading:
        return LoadReport(head.version, 0, len(items), 0, False, head.profile or "", choice)
    vectors = embed(fresh, encoder, progress)
    return write(
        store,
        fresh,
        vectors,
        profile.schema,
        gone,
        unchanged,
        ann_min_items,
        reading(profile, choice),
        rebuild=changed_reading,
        learn_lines=profile.line_names,
    )


def write(
    store: RedisCatalog,
    fresh: Sequence[StoredItem],
    vectors: np.ndarray,
    schema: Schema,
    gone: Sequence[str] = (),
    unchanged: int = 0,
    ann_min_items: int | None = None,
    read_as: Reading | None = None,
    rebuild: bool = False,
    learn_lines: bool | None = None,
) -> LoadReport:
    """Write embedded items (and deletions) as a change or as a new base snapshot (whose line
    names are learned from all its items when ``learn_lines``; None: as the stored base did)."""
    head = store.head()
    total = store.count() if head is not None else 0
    changed = len(fresh) + len(gone)
    small = changed + store.log_length() <= max(MIN_LOG, REBUILD_SHARE * total)
    name = read_as.profile if read_as else (head.profile or "" if head else "")
    choice = read_as.choice if read_as else ""
    if head is not None and small and not rebuild:
        version = store.apply(fresh, vectors, gone)
        return LoadReport(version, len(fresh), unchanged, len(gone), False, name, choice)
    stored_items, matrix = store.all_items() if head is not None else ([], np.zeros((0, store.dim)))
    merged = {s.catalog_id: (s, v) for s, v in zip(stored_items, matrix, strict=True)}
    for cid in gone:
        merged.pop(cid, None)
    for s, v in zip(fresh, vectors, strict=True):
        merged[s.catalog_id] = (s, v)
    if learn_lines is None:
        learn_lines = head is not None and store.has_part(head.load_id, "lines")
    items = [s for s, _ in merged.values()]
    base = segment(
        items,
        [v for _, v in merged.values()],
        store.dim,
        schema,
        ann_min_items,
        learn(items) if learn_lines else None,
    )
    if read_as is None and head is not None and head.profile is not None:
        read_as = Reading(
            head.profile, head.profile_version or "", head.schema_version, head.profile_choice
        )
    version = store.rebuild(base, fresh, vectors, gone, read_as)
    return LoadReport(version, len(fresh), unchanged, len(gone), True, name, choice)


def segment(
    stored: Sequence[StoredItem],
    vectors: Sequence[np.ndarray] | np.ndarray,
    dim: int,
    schema: Schema,
    ann_min_items: int | None = None,
    lines: Lines | None = None,
) -> Segment:
    matrix = np.vstack(list(vectors)) if len(stored) else np.zeros((0, dim), dtype=np.float32)
    return Segment.build(
        [s.catalog_id for s in stored],
        [s.text for s in stored],
        [s.attributes for s in stored],
        matrix,
        schema,
        ann_min_items,
        lines=lines,
    )


def learn(stored: Sequence[StoredItem]) -> Lines:
    """The catalog's line names, from its items' normalized texts (amounts, codes, brand out)."""
    return learn_lines(
        [
            lines.words(s.text, s.attributes.text("brand"), s.attributes.many("codes"))
            for s in stored
        ],
        [s.text for s in stored],
    )


def build_index(
    items: Sequence[CatalogItem],
    encoder: Encoder,
    profile: Reader,
    choice: str = "",
    progress: bool = True,
) -> CatalogIndex:
    """An in-memory catalog with no Redis, for offline matching and evaluation."""
    found = stored(items, profile)
    learned = learn(found) if profile.line_names else None
    base = segment(
        found, embed(found, encoder, progress), encoder.dim, profile.schema, None, learned
    )
    return CatalogIndex(base, reading=reading(profile, choice))


def delete(store: RedisCatalog, ids: Sequence[str], schema: Schema) -> LoadReport:
    """Remove items by id (as one change); the report's ``deleted`` counts the ids given."""
    return write(store, [], np.zeros((0, store.dim), dtype=np.float32), schema, list(ids))
