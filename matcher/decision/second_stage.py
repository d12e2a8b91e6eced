"""The optional second stage: a cross-encoder that reads offer and candidate together.

A bi-encoder compares two vectors made apart; a cross-encoder attends across both texts and is far
better at "same product or not", but costs one model call per pair. So it runs only where the
bi-encoder is unsure: for the best compatible candidate whose cosine lies in the band
``[low, high)`` calibrated on validation pairs. Above the band is a match, below it is not.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from matcher.decision.config import Band
from matcher.encoding import models

RERANK_META = "matcher-reranker.json"


class Reranker:
    """A trained cross-encoder folder (``matcher train-reranker``) with its calibrated band."""

    def __init__(self, path: str, device: str | None = None, batch_size: int = 32) -> None:
        from sentence_transformers import CrossEncoder

        self.path = models.resolve(path)
        self.model = CrossEncoder(self.path, device=device)
        self.batch_size = batch_size
        meta_file = Path(self.path) / RERANK_META
        meta = json.loads(meta_file.read_text()) if meta_file.exists() else {}
        band = meta.get("band") or {}
        self.band = Band(
            float(band.get("low", 0.0)),
            float(band.get("high", 1.01)),
            float(band.get("threshold", 0.5)),
        )

    def probabilities(self, pairs: Sequence[tuple[str, str]]) -> np.ndarray:
        """Match probability of each (offer text, catalog text) pair."""
        if not pairs:
            return np.zeros(0, dtype=np.float32)
        out = self.model.predict(list(pairs), batch_size=self.batch_size, show_progress_bar=False)
        return np.asarray(out, dtype=np.float32).reshape(-1)


def combine(scores: np.ndarray, probs: np.ndarray, band: Band) -> np.ndarray:
    """Match decisions: above the band by cosine, inside it by the cross-encoder."""
    inside = (scores >= band.low) & (scores < band.high)
    return (scores >= band.high) | (inside & (probs >= band.threshold))
