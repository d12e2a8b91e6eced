"""Approximate nearest neighbours for large catalogs: an inverted-file index (faiss IVF, int8).

Built once by the catalog loader and stored in Redis with the snapshot, so a consumer loads it in a
second instead of building it. It only proposes candidates: their scores are recomputed from the
stored vectors and every guard is still checked exactly, so an approximate search can miss a
candidate but never lets a wrong one through.
"""

from __future__ import annotations

from typing import Any

import numpy as np


class AnnIndex:
    """Inner-product IVF over unit vectors, int8 scalar-quantized."""

    def __init__(self, index: Any, nprobe: int) -> None:
        self.index = index
        self.nprobe = nprobe

    @classmethod
    def build(cls, vectors: np.ndarray, nprobe: int = 16, seed: int = 0) -> AnnIndex:
        import faiss

        n, dim = vectors.shape
        lists = int(max(1, min(4096, 4 * np.sqrt(n), n // 39)))
        index = faiss.IndexIVFScalarQuantizer(
            faiss.IndexFlatIP(dim),
            dim,
            lists,
            faiss.ScalarQuantizer.QT_8bit,
            faiss.METRIC_INNER_PRODUCT,
        )
        rng = np.random.default_rng(seed)
        sample = vectors[rng.choice(n, min(n, 64 * lists), replace=False)]
        index.train(np.ascontiguousarray(sample, dtype=np.float32))
        for start in range(0, n, 100_000):
            index.add(np.ascontiguousarray(vectors[start : start + 100_000], dtype=np.float32))
        index.make_direct_map()  # rows can be reconstructed, to rescore candidates
        return cls(index, nprobe)

    def to_bytes(self) -> bytes:
        import faiss

        return bytes(faiss.serialize_index(self.index))

    @classmethod
    def from_bytes(cls, blob: bytes | bytearray, nprobe: int = 16) -> AnnIndex:
        import faiss

        return cls(faiss.deserialize_index(np.frombuffer(blob, dtype=np.uint8)), nprobe)

    def reconstruct(self, rows: np.ndarray) -> np.ndarray:
        """The stored (int8-decoded) vectors of ``rows``."""
        rows = np.asarray(rows, dtype=np.int64)
        if rows.size == 0:
            return np.zeros((0, self.index.d), dtype=np.float32)
        return np.asarray(self.index.reconstruct_batch(rows), dtype=np.float32)

    def search(self, queries: np.ndarray, k: int) -> np.ndarray:
        """Rows of up to ``k`` approximate neighbours per query (-1 pads)."""
        self.index.nprobe = self.nprobe
        _, rows = self.index.search(np.ascontiguousarray(queries, dtype=np.float32), k)
        return np.asarray(rows)
