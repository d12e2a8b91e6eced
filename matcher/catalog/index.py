"""The catalog in memory: a matrix of unit vectors for exact cosine search, plus the items'
attributes, from which each guard encodes (and this snapshot caches) its own column."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any, Protocol

import numpy as np

from matcher.normalize import Attributes


class ColumnEncoder(Protocol):
    """Something that encodes one attribute of every item as a column (a decision guard)."""

    name: str

    def column(self, items: Sequence[Attributes]) -> Any: ...


@dataclass(frozen=True)
class Entry:
    """What the decision needs to know about a catalog item besides its vector."""

    catalog_id: str
    attributes: Attributes
    text: str = ""  # the normalized text that was embedded (the second stage reads it)


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
        self._columns: dict[str, Any] = {}

    def __len__(self) -> int:
        return len(self.entries)

    def scores(self, queries: np.ndarray) -> np.ndarray:
        """Cosine of every query row against every item (rows are unit length)."""
        return np.asarray(queries, dtype=np.float32) @ self.vectors.T

    def column(self, guard: ColumnEncoder) -> Any:
        """``guard``'s encoding of every item's attributes, built once per snapshot."""
        if guard.name not in self._columns:
            self._columns[guard.name] = guard.column([e.attributes for e in self.entries])
        return self._columns[guard.name]

    @cached_property
    def text_by_id(self) -> dict[str, str]:
        """Embedded text per catalog_id (what the second stage reads), built once per snapshot."""
        return {e.catalog_id: e.text for e in self.entries}
