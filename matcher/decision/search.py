"""Candidate search over a scored catalog: the top-k by cosine, and the best item that passes
the guards anywhere among the candidates (for a small catalog: the whole catalog), so the right
variant is found however many of its siblings outscore it."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from matcher.catalog.index import Candidates
from matcher.decision.guards import ColumnSource, GuardSet
from matcher.normalize import Attributes


def top_k(cands: Candidates, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Catalog rows and cosines of the ``k`` best live candidates, best first."""
    scores = cands.scores
    n = len(scores)
    if n == 0 or k <= 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
    k = min(k, n)
    idx = np.argpartition(-scores, k - 1)[:k] if k < n else np.arange(n)
    idx = idx[np.argsort(-scores[idx], kind="stable")]
    idx = idx[np.isfinite(scores[idx])]
    return cands.row_ids()[idx], scores[idx]


def best_compatible(
    offer: Attributes, cands: Candidates, catalog: ColumnSource, guards: GuardSet
) -> tuple[int, float] | None:
    """Row and cosine of the highest-scoring candidate no guard rules out; None if there is none."""
    scores = cands.scores
    if scores.size == 0:
        return None
    mask = guards.mask(offer, catalog, cands.rows)
    masked = scores if mask is None else np.where(mask, scores, -np.inf)
    i = int(np.argmax(masked))
    if not np.isfinite(masked[i]):
        return None
    return int(cands.row_ids()[i]), float(masked[i])


def blocking_pool(offer: Attributes, catalog: object, fields: Sequence[str]) -> np.ndarray | None:
    """Rows that share one of the offer's blocking attributes (``fields``, the profile's: a
    phone's model signature): searched exactly whatever the ANN finds, so on a large catalog the
    guarded variant is still found (None: nothing to block on)."""
    rows_with = getattr(catalog, "rows_with", None)
    if rows_with is None:
        return None
    found = [rows_with(name, value) for name in fields if (value := offer.text(name)) is not None]
    return np.unique(np.concatenate(found)) if found else None
