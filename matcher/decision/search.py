"""Candidate search over a scored catalog: the top-k by cosine, and the best item that passes
the guards anywhere in the catalog (not just among the top-k), so the right variant is found
however many of its siblings outscore it."""

from __future__ import annotations

import numpy as np

from matcher.decision.guards import ColumnSource, GuardSet
from matcher.normalize import Attributes


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


def best_compatible(
    offer: Attributes, scores: np.ndarray, catalog: ColumnSource, guards: GuardSet
) -> int | None:
    """Row of the highest-scoring item that no guard rules out; None when every item is."""
    if scores.size == 0:
        return None
    mask = guards.mask(offer, catalog)
    if mask is None:
        return int(np.argmax(scores))
    if not mask.any():
        return None
    return int(np.argmax(np.where(mask, scores, -np.inf)))
