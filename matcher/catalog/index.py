"""The catalog in memory: an immutable snapshot of one version, searched for candidates.

It is a base segment plus a delta segment of the items changed since, with the base rows those
changes replaced or deleted marked dead. Rows number the base first, then the delta. A small
catalog is searched exactly (every item scored); a large one through the base's ANN index, plus
every delta row and any rows the caller names (blocking), each candidate rescored exactly — on
the same hybrid score (:class:`~matcher.scoring.Scorer`) as an exact catalog, its n-gram rows
computed for the candidates with the base's weights.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any, Protocol

import numpy as np

from matcher.catalog.columns import AttributeColumns, Categories
from matcher.catalog.lexical import Postings, df_cap, pair_scores, without
from matcher.catalog.segment import Segment
from matcher.catalog.store import Reading
from matcher.normalize import Attributes, Schema
from matcher.normalize.brands import Brands
from matcher.normalize.lines import Lines
from matcher.scoring import Scorer

ANN_CANDIDATES = 100  # neighbours asked of the ANN index per offer


class ColumnEncoder(Protocol):
    """Something that reads one attribute column of the catalog (a decision guard)."""

    name: str

    def column(self, columns: AttributeColumns) -> Any: ...


@dataclass(frozen=True)
class Candidates:
    """One offer's candidates: catalog rows and their cosines (``rows`` None = every row)."""

    rows: np.ndarray | None
    scores: np.ndarray

    def row_ids(self) -> np.ndarray:
        return np.arange(len(self.scores)) if self.rows is None else self.rows


class CatalogIndex:
    """One catalog version: a base segment, a delta segment and the dead base rows."""

    def __init__(
        self,
        base: Segment,
        delta: Segment | None = None,
        dead: np.ndarray | None = None,
        version: int = 1,
        load_id: str = "",
        reading: Reading | None = None,
    ) -> None:
        self.base = base
        self.delta = (
            delta if delta is not None else Segment.empty(self.dim_of(base), schema_of(base))
        )
        self.alive = np.ones(len(base) + len(self.delta), dtype=bool)
        if dead is not None and len(dead):
            self.alive[np.asarray(dead, dtype=np.int64)] = False
        self.version = version
        self.load_id = load_id
        self.reading = reading  # the profile its listings were read with (None: unknown)
        self._columns: dict[str, Any] = {}

    @staticmethod
    def dim_of(segment: Segment) -> int:
        if segment.vectors is not None:
            return int(segment.vectors.shape[1])
        assert segment.ann is not None
        return int(segment.ann.index.d)

    @classmethod
    def from_items(
        cls,
        ids: Sequence[str],
        texts: Sequence[str],
        attributes: Sequence[Attributes],
        vectors: np.ndarray,
        reading: Reading,
        schema: Schema,
        version: int = 1,
    ) -> CatalogIndex:
        """An exact in-memory catalog (offline matching, evaluation, tests)."""
        segment = Segment.build(ids, texts, attributes, vectors, schema)
        return cls(segment, version=version, reading=reading)

    @property
    def profile(self) -> str | None:
        """The name of the profile its listings were read with."""
        return self.reading.profile if self.reading else None

    @property
    def dim(self) -> int:
        return self.dim_of(self.base)

    @property
    def rows(self) -> int:
        """Rows, dead ones included."""
        return len(self.alive)

    def __len__(self) -> int:
        """Live items."""
        return int(self.alive.sum())

    @property
    def exact(self) -> bool:
        return self.base.ann is None

    @cached_property
    def ids(self) -> np.ndarray:
        return np.concatenate([self.base.ids, self.delta.ids])

    @cached_property
    def columns(self) -> AttributeColumns:
        return self.base.columns.concat(self.delta.columns)

    @cached_property
    def brands(self) -> Brands:
        """The brands the items state (or had found in their titles at load), by skeleton."""
        column = self.columns.columns.get("brand")
        return Brands(column.values if isinstance(column, Categories) else ())

    @property
    def lines(self) -> Lines | None:
        """The line names learned from the base's items (None: the profile learns none)."""
        return self.base.lines

    def rows_of(self, ids: Sequence[str]) -> np.ndarray:
        """Live rows of these catalog ids (-1 where an id is not, or no longer, in the catalog)."""
        n = len(self.base)
        base = self.base.rows_of(ids)
        delta = self.delta.rows_of(ids)
        rows = np.where(delta >= 0, delta + n, base)
        alive = (rows >= 0) & self.alive[np.maximum(rows, 0)]
        return np.where(alive, rows, -1)

    def catalog_id(self, row: int) -> str:
        n = len(self.base)
        return str(self.base.ids[row] if row < n else self.delta.ids[row - n])

    def attributes(self, row: int) -> Attributes:
        """One row's attributes (built from the columns once per snapshot and row)."""
        cache: dict[int, Attributes] = self._columns.setdefault("rows", {})
        found = cache.get(row)
        if found is None:
            found = cache[row] = self.columns.row(row)
        return found

    def text(self, row: int) -> str:
        n = len(self.base)
        return self.base.texts[row] if row < n else self.delta.texts[row - n]

    def column(self, guard: ColumnEncoder) -> Any:
        """``guard``'s column over every row, built once per snapshot."""
        if guard.name not in self._columns:
            self._columns[guard.name] = guard.column(self.columns)
        return self._columns[guard.name]

    def rows_with(self, name: str, value: str) -> np.ndarray:
        """Live rows whose categorical attribute ``name`` is ``value`` (blocking)."""
        found = [np.zeros(0, dtype=np.int64)]
        for offset, segment in ((0, self.base), (len(self.base), self.delta)):
            col = segment.columns[name]
            code = col.table.get(value)
            if code is not None:
                order, starts = segment.postings(name)
                found.append(order[starts[code] : starts[code + 1]] + offset)
        rows = np.concatenate(found)
        return rows[self.alive[rows]]

    def search(
        self,
        queries: np.ndarray,
        scorer: Scorer,
        texts: Sequence[str] | None = None,
        pools: Sequence[np.ndarray | None] | None = None,
    ) -> list[Candidates]:
        """Candidates per query row, scored by ``scorer`` (with ``texts``, the hybrid score);
        ``pools`` are rows that must be among them (blocking, on a large catalog)."""
        q = np.asarray(queries, dtype=np.float32)
        lexical = texts is not None and scorer.uses_lexical and self.base.lexicon is not None
        if self.exact:
            parts = [q @ s.vectors.T for s in (self.base, self.delta) if s.vectors is not None]
            cosines = np.concatenate(parts, axis=1) if parts else np.zeros((len(q), 0), np.float32)
            scores = scorer.combine(
                cosines, self.lexical_scores(texts) if lexical and texts is not None else None
            )
            scores[:, ~self.alive] = -np.inf
            return [Candidates(None, scores[i]) for i in range(len(q))]
        assert self.base.ann is not None
        found = self.base.ann.search(q, ANN_CANDIDATES)
        delta_rows = np.arange(len(self.base), self.rows, dtype=np.int64)
        rows_of = []
        for i in range(len(q)):
            pool = pools[i] if pools is not None else None
            rows = np.unique(
                np.concatenate(
                    [
                        found[i][found[i] >= 0],
                        delta_rows,
                        pool if pool is not None else delta_rows[:0],
                    ]
                )
            )
            rows_of.append(rows[self.alive[rows]])
        lex = self._candidate_lexical(texts, rows_of) if lexical and texts is not None else None
        return [
            Candidates(
                rows,
                scorer.combine(self._vectors(rows) @ q[i], lex[i] if lex is not None else None),
            )
            for i, rows in enumerate(rows_of)
        ]

    def _candidate_lexical(
        self, texts: Sequence[str], rows_of: Sequence[np.ndarray]
    ) -> list[np.ndarray]:
        """Lexical cosines of each text with its own candidate rows (an ANN catalog keeps no
        n-gram rows: the candidates' are computed here, weighted by the base's lexicon)."""
        assert self.base.lexicon is not None
        unique = np.unique(np.concatenate(rows_of)) if rows_of else np.zeros(0, np.int64)
        if not len(unique):
            return [np.zeros(0, np.float32) for _ in rows_of]
        lexicon = self.base.lexicon
        rows = lexicon.transform([self.text(int(r)) for r in unique])
        # the n-grams an exact catalog of this size leaves out are left out here too
        queries = without(lexicon.transform(texts), lexicon.frequent(df_cap(len(self.base))))
        scores = Postings(rows, max_df=len(unique)).scores(queries)
        return [scores[i, np.searchsorted(unique, r)] for i, r in enumerate(rows_of)]

    @property
    def lexical_ready(self) -> bool:
        """Whether items can be scored on the hybrid score."""
        return self.base.lexicon is not None

    def lexical_scores(self, texts: Sequence[str]) -> np.ndarray:  # exact catalogs
        """Lexical cosines of ``texts`` with every row (base then delta), weighted as the base."""
        assert self.base.lexicon is not None
        queries = self.base.lexicon.transform(texts)
        parts = []
        for segment in (self.base, self.delta):
            postings = segment.lexical_postings()
            if postings is None:
                parts.append(np.zeros((len(texts), len(segment)), dtype=np.float32))
            else:
                parts.append(postings.scores(queries))
        return np.concatenate(parts, axis=1)

    def lexical_pairs(self, texts: Sequence[str], rows: Sequence[int]) -> np.ndarray:
        """Exact lexical cosine of each text with its row (zeros without a lexical index)."""
        out = np.zeros(len(texts), dtype=np.float32)
        if not self.lexical_ready or not len(texts):
            return out
        assert self.base.lexicon is not None
        queries = self.base.lexicon.transform(texts)
        n = len(self.base)
        rows_ = np.asarray(rows, dtype=np.int64)
        if not self.exact:  # no stored rows: the texts' own
            items = self.base.lexicon.transform([self.text(int(r)) for r in rows_])
            pairs = np.arange(len(rows_))
            return pair_scores(queries, items, pairs, pairs)
        for segment, at, offset in ((self.base, rows_ < n, 0), (self.delta, rows_ >= n, n)):
            if segment.lexical is not None and at.any():
                which = np.flatnonzero(at)
                out[which] = pair_scores(queries, segment.lexical, which, rows_[which] - offset)
        return out

    def _vectors(self, rows: np.ndarray) -> np.ndarray:
        n = len(self.base)
        in_base = rows < n
        out = np.empty((len(rows), self.dim), dtype=np.float32)
        out[in_base] = self.base.vectors_of(rows[in_base])
        out[~in_base] = self.delta.vectors_of(rows[~in_base] - n)
        return out


def schema_of(segment: Segment) -> Schema:
    """The schema a segment's columns were built or read with (for an empty delta of it)."""
    return segment.columns.schema
