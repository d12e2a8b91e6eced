"""The catalog in memory: a matrix of unit vectors for exact cosine search, plus the attribute
columns the guards filter on."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from matcher.normalize import Attributes


@dataclass(frozen=True)
class Entry:
    """What the decision needs to know about a catalog item besides its vector."""

    catalog_id: str
    attributes: Attributes
    text: str = ""  # the normalized text that was embedded (the reranker reads it)


@dataclass(frozen=True)
class Columns:
    """Attributes as arrays (-1 = unknown), so a guard checks the whole catalog at once."""

    ram: np.ndarray
    rom: np.ndarray
    color_ids: np.ndarray  # index into ``colors``, -1 unknown
    colors: list[str]
    model_ids: np.ndarray  # index into ``models``, -1 unknown
    models: dict[str, int]
    brand_ids: np.ndarray
    brands: dict[str, int]


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

    def scores(self, queries: np.ndarray) -> np.ndarray:
        """Cosine of every query row against every item (rows are unit length)."""
        return np.asarray(queries, dtype=np.float32) @ self.vectors.T

    def top_k(self, queries: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """Indices and cosines of the k best items per query row, best first."""
        return top_k(self.scores(queries), k)

    @cached_property
    def text_by_id(self) -> dict[str, str]:
        """Embedded text per catalog_id (what the reranker reads), built once per snapshot."""
        return {e.catalog_id: e.text for e in self.entries}

    @cached_property
    def columns(self) -> Columns:
        colors: dict[str, int] = {}
        models: dict[str, int] = {}
        brands: dict[str, int] = {}
        attrs = [e.attributes for e in self.entries]
        return Columns(
            ram=np.array([a.ram if a.ram is not None else -1 for a in attrs], dtype=np.int64),
            rom=np.array([a.rom if a.rom is not None else -1 for a in attrs], dtype=np.int64),
            color_ids=_ids([a.color for a in attrs], colors),
            colors=list(colors),
            model_ids=_ids([a.model for a in attrs], models),
            models=models,
            brand_ids=_ids([a.brand for a in attrs], brands),
            brands=brands,
        )


def _ids(values: list[str | None], table: dict[str, int]) -> np.ndarray:
    """Small integer ids of values (filling ``table``), -1 for None."""
    return np.array([table.setdefault(v, len(table)) if v else -1 for v in values], dtype=np.int64)


def top_k(scores: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Indices and values of the k largest entries of each row, largest first."""
    rows, n = scores.shape
    if n == 0 or rows == 0:
        return np.zeros((rows, 0), dtype=np.int64), np.zeros((rows, 0), dtype=np.float32)
    k = min(k, n)
    idx = (
        np.argpartition(-scores, k - 1, axis=1)[:, :k]
        if k < n
        else np.tile(np.arange(n), (rows, 1))
    )
    part = np.take_along_axis(scores, idx, axis=1)
    order = np.argsort(-part, axis=1, kind="stable")
    return np.take_along_axis(idx, order, axis=1), np.take_along_axis(part, order, axis=1)
