"""A segment: a block of catalog items in memory — ids, attribute columns, texts and vectors.

A consumer's catalog is a large *base* segment (hydrated from the snapshot the loader wrote to
Redis) plus a small *delta* segment (the items changed since), so an update touches the delta only.
A base segment of a large catalog carries an ANN index instead of a dense matrix.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from matcher.catalog.ann import AnnIndex
from matcher.catalog.columns import AttributeColumns
from matcher.catalog.lexical import Lexicon, Postings, Sparse
from matcher.normalize import Attributes, Schema
from matcher.normalize.lines import Lines, annotate

# Parts of a serialized segment, as stored in Redis.
PARTS = ("ids", "texts", "columns", "vectors", "ann", "lexicon", "lexical", "lines")


@dataclass
class Segment:
    """Items with their vectors; rows are positions in these arrays."""

    ids: np.ndarray  # catalog_id strings (numpy unicode), sorted: rows are found by bisection
    texts: list[str]  # the normalized text embedded for each item
    columns: AttributeColumns
    vectors: np.ndarray | None  # float32 unit rows; None when ``ann`` holds them
    ann: AnnIndex | None = None
    lexicon: Lexicon | None = None  # fitted on a base's texts; a delta uses its base's
    lexical: Sparse | None = None  # TF-IDF rows (exact catalogs; None with an ANN index)
    lines: Lines | None = None  # line names learned from a base's items; a delta uses its base's
    _lexical_postings: Postings | None = field(default=None, repr=False)
    _postings: dict[str, tuple[np.ndarray, np.ndarray]] = field(default_factory=dict, repr=False)

    def __len__(self) -> int:
        return len(self.ids)

    def rows_of(self, ids: Sequence[str]) -> np.ndarray:
        """Rows of ``ids`` in this segment (-1 where absent), without a per-item dictionary."""
        if not len(self.ids) or not len(ids):
            return np.full(len(ids), -1, dtype=np.int64)
        wanted = np.asarray(list(ids), dtype=self.ids.dtype if len(self.ids) else str)
        rows = np.searchsorted(self.ids, wanted)
        rows = np.minimum(rows, len(self.ids) - 1)
        return np.where(self.ids[rows] == wanted, rows, -1).astype(np.int64)

    def postings(self, name: str) -> tuple[np.ndarray, np.ndarray]:
        """Rows grouped by the codes of categorical attribute ``name`` (rows, start per code),
        built once per segment: a base's is shared by every snapshot made from it."""
        if name not in self._postings:
            codes = self.columns[name].codes
            order = np.argsort(codes, kind="stable")
            starts = np.searchsorted(codes[order], np.arange(len(self.columns[name].values) + 1))
            self._postings[name] = (order, starts)
        return self._postings[name]

    def lexical_postings(self) -> Postings | None:
        """The TF-IDF rows by n-gram, built once per segment (None: no lexical rows)."""
        if self._lexical_postings is None and self.lexical is not None:
            self._lexical_postings = Postings(self.lexical)
        return self._lexical_postings

    @classmethod
    def build(
        cls,
        ids: Sequence[str],
        texts: Sequence[str],
        attributes: Sequence[Attributes],
        vectors: np.ndarray,
        schema: Schema,
        ann_min_items: int | None = None,
        lexicon: Lexicon | None = None,
        lines: Lines | None = None,
    ) -> Segment:
        """A segment of these items (sorted by id); with ``ann_min_items`` and at least that many
        items, the vectors go into an ANN index. The n-gram weights are ``lexicon`` (a delta: its
        base's), else fitted on these texts; without an ANN index the items also get their
        TF-IDF rows (an ANN catalog computes its candidates' rows when it scores them). With
        ``lines`` (learned from the base's items), each item's line names are columns too."""
        matrix = np.ascontiguousarray(vectors, dtype=np.float32)
        if matrix.ndim != 2 or len(matrix) != len(ids):
            raise ValueError(f"{len(ids)} items but vectors of shape {matrix.shape}")
        order = np.argsort(np.asarray(list(ids), dtype=str), kind="stable")
        ids = [ids[i] for i in order]
        texts = [texts[i] for i in order]
        attributes = [attributes[i] for i in order]
        matrix = matrix[order]
        ann = None
        if ann_min_items is not None and len(ids) >= ann_min_items:
            ann = AnnIndex.build(matrix)
        lexicon = lexicon or Lexicon.fit(texts)
        lexical = lexicon.transform(texts) if ann is None else None
        if lines is not None:  # derived, not stored per item: a new sibling changes them
            attributes = [annotate(t, a, lines) for t, a in zip(texts, attributes, strict=True)]
        return cls(
            np.asarray(list(ids), dtype=str),
            list(texts),
            AttributeColumns.build(attributes, schema),
            None if ann else matrix,
            ann,
            lexicon,
            lexical,
            lines,
        )

    @classmethod
    def empty(cls, dim: int, schema: Schema) -> Segment:
        return cls.build([], [], [], np.zeros((0, dim), dtype=np.float32), schema)

    def vectors_of(self, rows: np.ndarray) -> np.ndarray:
        """The (float32) vectors of ``rows``."""
        if self.vectors is not None:
            return self.vectors[rows]
        assert self.ann is not None
        return self.ann.reconstruct(rows)

    def to_parts(self) -> dict[str, bytes]:
        """The segment as the byte strings of :data:`PARTS` (vectors as float16)."""
        parts = {
            "ids": "\n".join(self.ids.tolist()).encode("utf-8"),
            "texts": "\n".join(self.texts).encode("utf-8"),
            "columns": self.columns.to_bytes(),
        }
        if self.ann is not None:
            parts["ann"] = self.ann.to_bytes()
        else:
            assert self.vectors is not None
            parts["vectors"] = self.vectors.astype(np.float16).tobytes()
        if self.lexicon is not None:
            parts["lexicon"] = self.lexicon.to_bytes()
        if self.lexical is not None:
            parts["lexical"] = self.lexical.to_bytes()
        if self.lines is not None:
            parts["lines"] = json.dumps(self.lines.to_dict(), ensure_ascii=False).encode()
        return parts

    @classmethod
    def from_parts(cls, parts: dict[str, bytes | bytearray], dim: int, schema: Schema) -> Segment:
        """The segment ``to_parts`` wrote; the ANN index first, its bytes popped from ``parts``
        and let go once it is built, so no large blob lives on beside it."""
        blob = parts.pop("ann", None)
        ann = AnnIndex.from_bytes(blob) if blob is not None else None
        del blob
        ids = parts["ids"].decode("utf-8").split("\n") if parts["ids"] else []
        texts = parts["texts"].decode("utf-8").split("\n") if parts["texts"] else []
        columns = AttributeColumns.from_bytes(parts["columns"], schema)
        if not len(ids) == len(texts) == len(columns):
            raise ValueError(f"snapshot parts disagree: {len(ids)} ids, {len(texts)} texts")
        vectors = None
        if ann is None:
            vectors = np.frombuffer(parts["vectors"], dtype=np.float16).astype(np.float32)
            vectors = vectors.reshape(len(ids), dim)
        lexicon = Lexicon.from_bytes(parts["lexicon"]) if "lexicon" in parts else None
        lexical = Sparse.from_bytes(parts["lexical"]) if "lexical" in parts else None
        if lexical is not None and len(lexical) != len(ids):
            raise ValueError(f"snapshot parts disagree: {len(ids)} ids, {len(lexical)} lexical")
        lines = Lines.from_dict(json.loads(parts["lines"])) if "lines" in parts else None
        return cls(
            np.asarray(ids, dtype=str), texts, columns, vectors, ann, lexicon, lexical, lines
        )
