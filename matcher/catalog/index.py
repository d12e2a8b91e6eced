"""The catalog in memory: a matrix of unit vectors for exact top-k by cosine."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from matcher.normalize import Attributes


@dataclass(frozen=True)
class Entry:
    """What the decision needs to know about a catalog item besides its vector."""

    catalog_id: str
    attributes: Attributes


class CatalogIndex:
    """An immutable snapshot of one catalog version; swap in a new one to update."""

    def __init__(
        self, entries: Sequence[Entry], vectors: np.ndarray, version: int, dim: int
    ) -> None:
        if len(entries) != len(vectors):
            raise ValueError(f"{len(entries)} entries but {len(vectors)} vectors")
        self.entries = list(entries)
        self.vectors = np.ascontiguousarray(vectors, dtype=np.float32).reshape(len(entries), dim)
        self.version = version
        self.dim = dim

    def __len__(self) -> int:
        return len(self.entries)

    def top_k(self, queries: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """Indices and cosines of the k best items per query row, best first."""
        n = len(self.entries)
        if n == 0 or len(queries) == 0:
            empty = np.zeros((len(queries), 0))
            return empty.astype(np.int64), empty.astype(np.float32)
        k = min(k, n)
        scores = queries @ self.vectors.T
        idx = (
            np.argpartition(-scores, k - 1, axis=1)[:, :k]
            if k < n
            else np.tile(np.arange(n), (len(queries), 1))
        )
        part = np.take_along_axis(scores, idx, axis=1)
        order = np.argsort(-part, axis=1, kind="stable")
        return np.take_along_axis(idx, order, axis=1), np.take_along_axis(part, order, axis=1)
