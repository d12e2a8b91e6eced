"""The lexical side of the hybrid search: character 2–4-gram TF-IDF over normalized text.

Language-agnostic: Russian words, model codes and numbers count even where the dense model's
tokenizer splits them into letters. n-grams are hashed into :data:`BUCKETS` (a stable hash, the
same in every process), weighted ``(1 + log tf) · idf`` and L2-normalized, so a score is a cosine
in [0, 1]. The document frequencies (the :class:`Lexicon`) are fitted on the catalog when it is
loaded and stored with its snapshot; an offer's n-grams the catalog never had are ignored, so a
supplier's noise words neither help nor hurt. Everything is vectorized over a batch of texts.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

BUCKETS = 1 << 20
NGRAMS = (2, 3, 4)
_SEP = 0  # code point between texts: no n-gram spans it
# Posting lists longer than this are not scored (n-grams in more than 2 % of the items, at
# least 256 of them): a score is then the cosine over the distinctive n-grams, and a batch costs
# about the same whatever the catalog's size.
DF_SHARE = 0.02
MIN_DF_CAP = 256
_MUL = np.uint64(0x9E3779B97F4A7C15)


@dataclass(frozen=True)
class Sparse:
    """Rows of a sparse matrix in CSR form (buckets sorted within a row)."""

    indptr: np.ndarray  # int64, len rows + 1
    indices: np.ndarray  # int32 buckets
    data: np.ndarray  # float32 weights

    def __len__(self) -> int:
        return len(self.indptr) - 1

    def row(self, i: int) -> tuple[np.ndarray, np.ndarray]:
        lo, hi = self.indptr[i], self.indptr[i + 1]
        return self.indices[lo:hi], self.data[lo:hi]

    def to_bytes(self) -> bytes:
        head = np.array([len(self), len(self.indices)], dtype=np.int64).tobytes()
        return (
            head
            + self.indptr.astype(np.int64).tobytes()
            + self.indices.astype(np.int32).tobytes()
            + self.data.astype(np.float16).tobytes()
        )

    @classmethod
    def from_bytes(cls, raw: bytes | bytearray) -> Sparse:
        rows, nnz = np.frombuffer(raw[:16], dtype=np.int64)
        at = 16
        indptr = np.frombuffer(raw, np.int64, int(rows) + 1, at)
        at += indptr.nbytes
        indices = np.frombuffer(raw, np.int32, int(nnz), at)
        at += indices.nbytes
        data = np.frombuffer(raw, np.float16, int(nnz), at).astype(np.float32)
        return cls(indptr.copy(), indices.copy(), data)


@dataclass(frozen=True)
class Lexicon:
    """Document frequencies of the catalog's n-gram buckets: what turns counts into TF-IDF."""

    buckets: np.ndarray  # int32, sorted: buckets that occur in the catalog
    idf: np.ndarray  # float32, per bucket
    documents: int

    @classmethod
    def fit(cls, texts: Sequence[str], chunk: int = 50_000) -> Lexicon:
        """Document frequencies over ``texts`` (in chunks: a million titles fit in memory)."""
        counts = np.zeros(BUCKETS, dtype=np.int64)
        for start in range(0, len(texts), chunk):
            _, buckets, _ = _counts(texts[start : start + chunk])  # one per (text, bucket)
            counts += np.bincount(buckets, minlength=BUCKETS)
        unique = np.flatnonzero(counts)
        df = counts[unique]
        n = len(texts)
        idf = np.log((1.0 + n) / (1.0 + df)) + 1.0  # smoothed, as scikit-learn's
        return cls(unique.astype(np.int32), idf.astype(np.float32), n)

    def transform(self, texts: Sequence[str]) -> Sparse:
        """TF-IDF rows of ``texts``, unit length; buckets the catalog never had are left out."""
        docs, buckets, tf = _counts(texts)
        pos = np.searchsorted(self.buckets, buckets)
        pos = np.minimum(pos, max(len(self.buckets) - 1, 0))
        known = self.buckets[pos] == buckets if len(self.buckets) else np.zeros(len(buckets), bool)
        docs, buckets, tf, pos = docs[known], buckets[known], tf[known], pos[known]
        weights = (1.0 + np.log(tf)) * self.idf[pos]
        norms = np.sqrt(np.bincount(docs, weights=weights**2, minlength=len(texts)))
        weights = weights / np.maximum(norms[docs], 1e-12)
        lens = np.bincount(docs, minlength=len(texts)).astype(np.int64)
        return Sparse(_indptr(lens), buckets.astype(np.int32), weights.astype(np.float32))

    def frequent(self, cap: int) -> np.ndarray:
        """Buckets in more than ``cap`` documents (what :class:`Postings` leaves out), sorted."""
        df = (1.0 + self.documents) / np.exp(self.idf.astype(np.float64) - 1.0) - 1.0
        return self.buckets[np.rint(df) > cap]

    def to_bytes(self) -> bytes:
        head = np.array([self.documents, len(self.buckets)], dtype=np.int64).tobytes()
        return (
            head + self.buckets.astype(np.int32).tobytes() + self.idf.astype(np.float32).tobytes()
        )

    @classmethod
    def from_bytes(cls, raw: bytes | bytearray) -> Lexicon:
        documents, n = (int(x) for x in np.frombuffer(raw[:16], dtype=np.int64))
        buckets = np.frombuffer(raw, np.int32, n, 16)
        idf = np.frombuffer(raw, np.float32, n, 16 + buckets.nbytes)
        return cls(buckets.copy(), idf.copy(), documents)


class Postings:
    """The catalog's rows by bucket (the transposed matrix): scores every row of a batch at once."""

    def __init__(self, rows: Sparse, max_df: int | None = None) -> None:
        n = len(rows)
        row_of = np.repeat(np.arange(n, dtype=np.int64), np.diff(rows.indptr))
        order = np.argsort(rows.indices, kind="stable")
        keys, starts, df = np.unique(rows.indices[order], return_index=True, return_counts=True)
        cap = max_df if max_df is not None else df_cap(n)
        keep = df <= cap  # n-grams most items share say little and cost the most: left out
        take = _ranges(starts[keep], df[keep])
        self.keys = keys[keep]
        self.starts = _indptr(df[keep].astype(np.int64))
        self.rows = row_of[order][take]
        self.weights = rows.data[order][take]
        self.size = n

    def scores(self, queries: Sparse, chunk_cells: int = 1 << 22) -> np.ndarray:
        """Cosines of every query row with every catalog row (dense, queries × rows)."""
        out = np.zeros((len(queries), self.size), dtype=np.float32)
        if not self.size or not len(self.keys):
            return out
        step = max(1, chunk_cells // self.size)
        for lo in range(0, len(queries), step):
            hi = min(len(queries), lo + step)
            a, b = queries.indptr[lo], queries.indptr[hi]
            q_of = np.repeat(
                np.arange(hi - lo, dtype=np.int64), np.diff(queries.indptr[lo : hi + 1])
            )
            buckets, weights = queries.indices[a:b], queries.data[a:b]
            pos = np.minimum(np.searchsorted(self.keys, buckets), len(self.keys) - 1)
            hit = self.keys[pos] == buckets
            pos, q_of, weights = pos[hit], q_of[hit], weights[hit]
            lens = self.starts[pos + 1] - self.starts[pos]
            idx = _ranges(self.starts[pos], lens)
            cell = np.repeat(q_of, lens) * self.size + self.rows[idx]
            w = np.repeat(weights, lens) * self.weights[idx]
            out[lo:hi] = np.bincount(cell, weights=w, minlength=(hi - lo) * self.size).reshape(
                hi - lo, self.size
            )
        return out


def df_cap(items: int) -> int:
    """Posting lists longer than this are not scored, in a catalog of ``items``."""
    return max(MIN_DF_CAP, int(DF_SHARE * items))


def without(queries: Sparse, buckets: np.ndarray) -> Sparse:
    """``queries`` with the weights of ``buckets`` set to 0 (scored as if they had no postings)."""
    drop = np.isin(queries.indices, buckets)
    return Sparse(
        queries.indptr, queries.indices, np.where(drop, 0.0, queries.data).astype(np.float32)
    )


def pair_scores(
    queries: Sparse, rows: Sparse, pairs_q: np.ndarray, pairs_r: np.ndarray
) -> np.ndarray:
    """Cosines of given (query row, catalog row) pairs, without scoring the whole catalog."""
    out = np.zeros(len(pairs_q), dtype=np.float32)
    for k, (qi, ri) in enumerate(zip(pairs_q.tolist(), pairs_r.tolist(), strict=True)):
        qb, qw = queries.row(qi)
        rb, rw = rows.row(ri)
        _, a, b = np.intersect1d(qb, rb, assume_unique=True, return_indices=True)
        out[k] = float(qw[a] @ rw[b])
    return out


def _counts(texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(document, bucket, count) of every distinct n-gram bucket of each text, sorted."""
    joined = "\x00".join(f" {t.replace(chr(0), ' ')} " for t in texts)
    codes = np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    if not len(texts) or not len(codes):
        z = np.zeros(0, np.int64)
        return z, z, z
    sep = np.flatnonzero(codes == _SEP)
    starts = np.concatenate([[0], sep + 1])
    hashes, where = [], []
    for n in NGRAMS:
        if len(codes) < n:
            continue
        m = len(codes) - n + 1
        h = np.full(m, np.uint64(n), dtype=np.uint64)
        bad = np.zeros(m, dtype=bool)
        for j in range(n):
            window = codes[j : j + m]
            h = (h ^ window) * _MUL
            bad |= window == _SEP
        keep = np.flatnonzero(~bad)
        hashes.append(h[keep] >> np.uint64(64 - 20))
        where.append(keep)
    buckets = np.concatenate(hashes).astype(np.int64)
    docs = np.searchsorted(starts, np.concatenate(where), side="right") - 1
    keys, counts = np.unique(docs * BUCKETS + buckets, return_counts=True)
    return keys // BUCKETS, keys % BUCKETS, counts


def _indptr(lens: np.ndarray) -> np.ndarray:
    return np.concatenate([[0], np.cumsum(lens)]).astype(np.int64)


def _ranges(starts: np.ndarray, lens: np.ndarray) -> np.ndarray:
    """Concatenated ``arange(s, s + l)`` for each (s, l), vectorized."""
    total = int(lens.sum())
    if total == 0:
        return np.zeros(0, dtype=np.int64)
    offsets = np.repeat(np.cumsum(lens) - lens, lens)
    return np.repeat(starts.astype(np.int64), lens) + (np.arange(total) - offsets)
