"""The catalog in Redis, namespaced by the model fingerprint (all keys share one hash tag, so every
transaction also works on Redis Cluster).

Layout, for namespace ``N = {prefix:fingerprint}`` (the model's fingerprint: one model's vectors
are never compared with another's):

- ``N:head``      hash: ``version`` (bumped by every change), ``load_id`` (which base snapshot),
                  ``base_version`` (the version that snapshot holds), ``profile`` /
                  ``profile_version`` / ``schema_version`` (how its listings were read) and
                  ``profile_choice`` (why that profile: set, or detected with the shares)
- ``N:items``     hash: catalog_id → JSON {text, attributes, digest, source}  (the source of
                  truth; ``source`` is the item as given, so it can be read again)
- ``N:vectors``   hash: catalog_id → float16 vector
- ``N:digests``   hash: catalog_id → digest of what was embedded (a reload skips unchanged items)
- ``N:base:ID:*`` the base snapshot ``ID``: each part of a :class:`Segment` in chunks, plus a meta
                  hash; a consumer hydrates a catalog from it in a few reads
- ``N:log``       stream: one entry per change since the base (version, upserted and deleted ids);
                  a consumer applies these as a delta, never re-reading the whole catalog

Every other key of the service under this prefix lives in the same namespace (the shared vector
cache ``N:vcache``, the review queue and answers ``N:review:*``).

Every change is one MULTI/EXEC (under WATCH of the head) that also bumps the version, so a consumer
never sees half a change. A reload after a flush gets a new ``load_id``, so even a repeated version
number is noticed.

Catalogs written before the profile was recorded live under ``{prefix:fingerprint-<profile tag>}``
(a *legacy* namespace): :meth:`RedisCatalog.locate` finds one when the current namespace is empty,
so consumers keep serving it until the catalog is loaded again.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from matcher.catalog.segment import PARTS, Segment
from matcher.normalize import Attributes, Schema

CHUNK = 8 << 20  # bytes per snapshot chunk


class CatalogUnavailable(RuntimeError):
    """Redis could not be reached or answered with an error (an infrastructure fault)."""


class CatalogMissing(RuntimeError):
    """There is no catalog for this model's fingerprint (not loaded, flushed or evicted)."""


@dataclass(frozen=True)
class Head:
    """Which catalog version is current, from which base snapshot, read by which profile."""

    version: int
    load_id: str
    base_version: int
    profile: str | None = None  # None: a legacy snapshot (its namespace names the profile)
    profile_version: str | None = None
    schema_version: int = 0  # 0: written before schemas were recorded
    profile_choice: str = ""


@dataclass(frozen=True)
class StoredItem:
    """A catalog item as written to Redis."""

    catalog_id: str
    text: str
    attributes: Attributes
    digest: str
    title: str | None = None  # the item as given (None: stored before sources were kept)
    given: dict[str, Any] | None = None

    def to_json(self) -> str:
        data: dict[str, Any] = {
            "text": self.text,
            "attributes": self.attributes.as_dict(),
            "digest": self.digest,
        }
        if self.title is not None:
            data["source"] = {"title": self.title, "attributes": self.given or {}}
        return json.dumps(data, ensure_ascii=False)

    @classmethod
    def from_json(cls, catalog_id: str, raw: bytes | str) -> StoredItem:
        data = json.loads(raw)
        source = data.get("source") or {}
        return cls(
            catalog_id,
            data["text"],
            Attributes.from_dict(data["attributes"]),
            data["digest"],
            source.get("title"),
            source.get("attributes"),
        )


@dataclass(frozen=True)
class Change:
    """One entry of the change log."""

    stream_id: str
    version: int
    upserts: tuple[str, ...]
    deletes: tuple[str, ...]


class RedisCatalog:
    """Reads and writes one model's catalog in Redis (a sync ``redis.Redis`` client)."""

    def __init__(self, client: Any, prefix: str, fingerprint: str, dim: int) -> None:
        self.client = client
        self.dim = dim
        self.prefix = prefix
        self.fingerprint = fingerprint
        self._at(self.namespace(prefix, fingerprint))
        self.legacy: str | None = None  # the legacy profile tag, when reading such a namespace

    @staticmethod
    def namespace(prefix: str, fingerprint: str) -> str:
        """``{prefix:fingerprint}``: one hash tag, so every key of it is on one cluster slot."""
        return f"{{{prefix}:{fingerprint}}}"

    def _at(self, ns: str) -> None:
        self.ns = ns
        self.head_key = f"{self.ns}:head"
        self.items_key = f"{self.ns}:items"
        self.vectors_key = f"{self.ns}:vectors"
        self.digests_key = f"{self.ns}:digests"
        self.log_key = f"{self.ns}:log"

    def key(self, name: str) -> str:
        """A key of this namespace (every key the service writes for this model lives here)."""
        return f"{self.ns}:{name}"

    def locate(self, prefer: str | None = None) -> RedisCatalog:
        """Read a legacy namespace of this model while the current one holds no catalog (of
        profile ``prefer`` when there are several); back to the current one once it has one.

        Returns ``self``, pointing at the namespace to read; :attr:`legacy` is the legacy
        namespace's profile tag (e.g. ``phones7``), or None for the current one."""
        home = self.namespace(self.prefix, self.fingerprint)
        if self.client.exists(f"{home}:head"):
            if self.legacy is not None:
                self.legacy = None
                self._at(home)
            return self
        if self.legacy is not None:
            return self
        pattern = f"{{{_glob(self.prefix)}:{_glob(self.fingerprint)}-*}}:head"
        found = sorted(_s(k) for k in self.client.scan_iter(match=pattern, count=1000))
        if prefer:
            found = sorted(found, key=lambda k: f"-{prefer}" in k)  # the preferred one last
        if found:
            ns = found[-1].removesuffix(":head")
            self.legacy = ns[len(f"{{{self.prefix}:{self.fingerprint}-") : -1]
            self._at(ns)
        return self

    # -- reading ---------------------------------------------------------------------------

    def head(self) -> Head | None:
        return self._parse_head(self.client.hgetall(self.head_key))

    def version(self) -> int:
        head = self.head()
        return head.version if head else 0

    def digests(self) -> dict[str, str]:
        """catalog_id → digest of what was embedded, to skip unchanged items on a reload."""
        return {_s(k): _s(v) for k, v in self.client.hgetall(self.digests_key).items()}

    def read_base(self, load_id: str, schema: Schema) -> Segment:
        """The base snapshot ``load_id`` as a segment, its columns read as ``schema`` names them
        (a column the snapshot lacks reads as unknown)."""
        meta = {_s(k): _s(v) for k, v in self.client.hgetall(self._base(load_id, "meta")).items()}
        if not meta:
            raise CatalogMissing(f"base snapshot {load_id} is gone (replaced meanwhile?)")
        parts: dict[str, bytes | bytearray] = {}
        for part in PARTS:
            count = int(meta.get(part, -1))
            if count >= 0:
                parts[part] = self._read_part(load_id, part, count)
        return Segment.from_parts(parts, self.dim, schema)

    def _read_part(self, load_id: str, part: str, count: int, batch: int = 8) -> bytearray:
        """One part, its chunks appended a few at a time: a million items' ANN index is ~400 MB,
        and holding every chunk and their join at once would double that at hydration."""
        out = bytearray()
        for start in range(0, count, batch):
            pipe = self.client.pipeline(transaction=False)
            for k in range(start, min(count, start + batch)):
                pipe.get(self._base(load_id, f"{part}:{k}"))
            for chunk in pipe.execute():
                if chunk is None:
                    raise CatalogMissing(f"base snapshot {load_id} lost part {part}")
                out += chunk
        return out  # bytes-like: read in place, never copied again

    def has_part(self, load_id: str, part: str) -> bool:
        """Whether the base snapshot ``load_id`` holds ``part``."""
        return bool(self.client.hexists(self._base(load_id, "meta"), part))

    def changes(self, after: str = "-") -> list[Change]:
        """Log entries after stream id ``after`` ("-": all of them), oldest first."""
        start = "-" if after == "-" else f"({after}"
        out = []
        for sid, fields in self.client.xrange(self.log_key, min=start):
            f = {_s(k): _s(v) for k, v in fields.items()}
            out.append(
                Change(
                    _s(sid),
                    int(f["version"]),
                    tuple(json.loads(f["upserts"])),
                    tuple(json.loads(f["deletes"])),
                )
            )
        return out

    def fetch(self, ids: Sequence[str]) -> list[tuple[StoredItem, np.ndarray] | None]:
        """Items and vectors by id (None for ids that are gone)."""
        if not ids:
            return []
        pipe = self.client.pipeline(transaction=False)
        pipe.hmget(self.items_key, list(ids))
        pipe.hmget(self.vectors_key, list(ids))
        items, vectors = pipe.execute()
        out: list[tuple[StoredItem, np.ndarray] | None] = []
        for cid, raw, vec in zip(ids, items, vectors, strict=True):
            if raw is None or vec is None:
                out.append(None)
                continue
            out.append((StoredItem.from_json(cid, raw), _vector(vec, self.dim, cid)))
        return out

    def all_items(self) -> tuple[list[StoredItem], np.ndarray]:
        """Every stored item and its vector (for rebuilding the base snapshot)."""
        items = {_s(k): v for k, v in self.client.hgetall(self.items_key).items()}
        vectors = {_s(k): v for k, v in self.client.hgetall(self.vectors_key).items()}
        ids = sorted(set(items) & set(vectors))
        stored = [StoredItem.from_json(cid, items[cid]) for cid in ids]
        matrix = np.zeros((len(ids), self.dim), dtype=np.float32)
        for i, cid in enumerate(ids):
            matrix[i] = _vector(vectors[cid], self.dim, cid)
        return stored, matrix

    def count(self) -> int:
        """Items stored (one HLEN)."""
        return int(self.client.hlen(self.digests_key))

    def log_length(self) -> int:
        return int(self.client.xlen(self.log_key))

    # -- writing ---------------------------------------------------------------------------

    def apply(
        self, upserts: Sequence[StoredItem], vectors: np.ndarray, deletes: Iterable[str] = ()
    ) -> int:
        """An incremental change: items and log entry in one transaction; the new version."""
        gone = list(deletes)

        def write(pipe: Any, head: Head) -> None:
            version = head.version + 1
            self._write_items(pipe, upserts, vectors, gone)
            pipe.hset(self.head_key, "version", version)
            pipe.xadd(
                self.log_key,
                {
                    "version": version,
                    "upserts": json.dumps([it.catalog_id for it in upserts]),
                    "deletes": json.dumps(gone),
                },
            )

        return self._transact(write, need_head=True)

    def rebuild(
        self,
        base: Segment,
        upserts: Sequence[StoredItem],
        vectors: np.ndarray,
        deletes: Iterable[str] = (),
        reading: Reading | None = None,
    ) -> int:
        """A new base snapshot ``base`` (the whole catalog after this change), written first under
        a fresh load id, then made current together with the item changes and how its listings
        were read (``reading``); the new version."""
        load_id = uuid.uuid4().hex[:16]
        meta: dict[str, int] = {}
        pipe = self.client.pipeline(transaction=False)
        for part, blob in base.to_parts().items():
            chunks = [blob[i : i + CHUNK] for i in range(0, len(blob), CHUNK)] or [b""]
            meta[part] = len(chunks)
            for k, chunk in enumerate(chunks):
                pipe.set(self._base(load_id, f"{part}:{k}"), chunk)
            pipe.execute()
        gone = list(deletes)
        old = self.head()

        def write(pipe: Any, head: Head | None) -> None:
            version = (head.version if head else 0) + 1
            self._write_items(pipe, upserts, vectors, gone)
            pipe.hset(self._base(load_id, "meta"), mapping={**meta, "version": version})
            fields: dict[str, Any] = {
                "version": version,
                "load_id": load_id,
                "base_version": version,
            }
            if reading is not None:
                fields |= reading.as_fields()
            pipe.hset(self.head_key, mapping=fields)
            pipe.delete(self.log_key)

        version = self._transact(write, need_head=False)
        if old is not None and old.load_id != load_id:
            self._drop_base(old.load_id)
        return version

    def _write_items(
        self, pipe: Any, upserts: Sequence[StoredItem], vectors: np.ndarray, gone: list[str]
    ) -> None:
        if len(upserts) != len(vectors):
            raise ValueError(f"{len(upserts)} items but {len(vectors)} vectors")
        if gone:
            for key in (self.items_key, self.vectors_key, self.digests_key):
                pipe.hdel(key, *gone)
        half = np.asarray(vectors, dtype=np.float16)
        for start in range(0, len(upserts), 10_000):  # bounded commands, however large the load
            chunk = upserts[start : start + 10_000]
            pipe.hset(self.items_key, mapping={it.catalog_id: it.to_json() for it in chunk})
            pipe.hset(
                self.vectors_key,
                mapping={it.catalog_id: half[start + i].tobytes() for i, it in enumerate(chunk)},
            )
            pipe.hset(self.digests_key, mapping={it.catalog_id: it.digest for it in chunk})

    def _transact(self, write: Any, need_head: bool) -> int:
        """Run ``write(pipe, head)`` in MULTI under WATCH of the head; retry if it moved."""
        from redis.exceptions import WatchError

        while True:
            with self.client.pipeline(transaction=True) as pipe:
                try:
                    pipe.watch(self.head_key)
                    raw = pipe.hgetall(self.head_key)
                    head = self._parse_head(raw)
                    if need_head and head is None:
                        raise CatalogMissing("no catalog to change: load one first")
                    pipe.multi()
                    write(pipe, head)
                    pipe.hget(self.head_key, "version")
                    return int(pipe.execute()[-1])
                except WatchError:
                    continue

    @staticmethod
    def _parse_head(raw: dict[Any, Any]) -> Head | None:
        if not raw:
            return None
        h = {_s(k): _s(v) for k, v in raw.items()}
        return Head(
            int(h["version"]),
            h["load_id"],
            int(h["base_version"]),
            h.get("profile"),
            h.get("profile_version"),
            int(h.get("schema_version", 0)),
            h.get("profile_choice", ""),
        )

    def _base(self, load_id: str, name: str) -> str:
        return f"{self.ns}:base:{load_id}:{name}"

    def _drop_base(self, load_id: str) -> None:
        meta = {_s(k): _s(v) for k, v in self.client.hgetall(self._base(load_id, "meta")).items()}
        keys = [self._base(load_id, "meta")]
        for part in PARTS:
            keys += [self._base(load_id, f"{part}:{k}") for k in range(int(meta.get(part, 0)))]
        self.client.delete(*keys)


@dataclass(frozen=True)
class Reading:
    """How a catalog's listings were read: the profile, its version and schema, and why."""

    profile: str
    profile_version: str
    schema_version: int
    choice: str = ""

    def as_fields(self) -> dict[str, Any]:
        return {
            "profile": self.profile,
            "profile_version": self.profile_version,
            "schema_version": self.schema_version,
            "profile_choice": self.choice,
        }


def _glob(text: str) -> str:
    """``text`` as a literal in a Redis match pattern."""
    return re.sub(r"([*?\[\]\\])", r"\\\1", text)


def _s(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value


def _vector(raw: bytes, dim: int, catalog_id: str) -> np.ndarray:
    row = np.frombuffer(raw, dtype=np.float16)
    if row.shape[0] != dim:
        raise ValueError(f"vector of {catalog_id} has {row.shape[0]} dims, want {dim}")
    return row.astype(np.float32)
