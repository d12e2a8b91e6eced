"""The catalog in Redis: vectors and attributes under a namespace of the model fingerprint.

Layout, for prefix ``P`` and fingerprint ``F``:

- ``P:F:version``  integer, incremented by every change (results carry it)
- ``P:F:items``    hash catalog_id → JSON {text, attributes, digest}
- ``P:F:vectors``  hash catalog_id → float32 bytes (unit length)

Every change is one MULTI/EXEC transaction that also bumps the version, and a snapshot is read in
one transaction too, so a consumer never sees half a load.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from matcher.catalog.index import CatalogIndex, Entry
from matcher.normalize import Attributes


@dataclass(frozen=True)
class StoredItem:
    """A catalog item as written to Redis."""

    catalog_id: str
    text: str
    attributes: Attributes
    digest: str


class RedisCatalog:
    """Reads and writes one model's catalog in Redis (a sync ``redis.Redis`` client)."""

    def __init__(self, client: Any, prefix: str, fingerprint: str, dim: int) -> None:
        self.client = client
        self.dim = dim
        base = f"{prefix}:{fingerprint}"
        self.version_key = f"{base}:version"
        self.items_key = f"{base}:items"
        self.vectors_key = f"{base}:vectors"

    def version(self) -> int:
        raw = self.client.get(self.version_key)
        return int(raw) if raw is not None else 0

    def digests(self) -> dict[str, str]:
        """catalog_id → digest of what was embedded, to skip unchanged items on a reload."""
        out: dict[str, str] = {}
        for cid, raw in self.client.hgetall(self.items_key).items():
            out[_s(cid)] = json.loads(raw)["digest"]
        return out

    def write(
        self,
        items: Sequence[StoredItem],
        vectors: np.ndarray,
        delete: Iterable[str] = (),
    ) -> int:
        """Upsert items (with their vectors) and delete ids, atomically; return the new version."""
        if len(items) != len(vectors):
            raise ValueError(f"{len(items)} items but {len(vectors)} vectors")
        vectors = np.asarray(vectors, dtype=np.float32)
        pipe = self.client.pipeline(transaction=True)
        gone = list(delete)
        if gone:
            pipe.hdel(self.items_key, *gone)
            pipe.hdel(self.vectors_key, *gone)
        if items:
            pipe.hset(
                self.items_key,
                mapping={
                    it.catalog_id: json.dumps(
                        {
                            "text": it.text,
                            "attributes": it.attributes.as_dict(),
                            "digest": it.digest,
                        },
                        ensure_ascii=False,
                    )
                    for it in items
                },
            )
            pipe.hset(
                self.vectors_key,
                mapping={
                    it.catalog_id: vec.tobytes() for it, vec in zip(items, vectors, strict=True)
                },
            )
        pipe.incr(self.version_key)
        return int(pipe.execute()[-1])

    def delete(self, ids: Iterable[str]) -> int:
        """Remove items by id in one transaction; return the new version."""
        return self.write([], np.zeros((0, self.dim), dtype=np.float32), delete=ids)

    def snapshot(self) -> CatalogIndex:
        """The whole catalog at one version."""
        pipe = self.client.pipeline(transaction=True)
        pipe.get(self.version_key)
        pipe.hgetall(self.items_key)
        pipe.hgetall(self.vectors_key)
        raw_version, raw_items, raw_vectors = pipe.execute()
        entries: list[Entry] = []
        rows: list[np.ndarray] = []
        for cid_raw, raw in raw_items.items():
            vec = raw_vectors.get(cid_raw)
            if vec is None:
                continue
            row = np.frombuffer(vec, dtype=np.float32)
            if row.shape[0] != self.dim:
                raise ValueError(
                    f"vector of {_s(cid_raw)} has {row.shape[0]} dims, want {self.dim}"
                )
            item = json.loads(raw)
            entries.append(
                Entry(_s(cid_raw), Attributes(**item["attributes"]), item.get("text", ""))
            )
            rows.append(row)
        matrix = np.vstack(rows) if rows else np.zeros((0, self.dim), dtype=np.float32)
        version = int(raw_version) if raw_version is not None else 0
        return CatalogIndex(entries, matrix, version, self.dim)


def _s(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value
