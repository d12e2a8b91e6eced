"""Pair and retrieval metrics; thresholds are chosen on validation scores only."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass

import numpy as np
from scipy.stats import pearsonr, spearmanr
from sklearn.metrics import precision_recall_curve, roc_auc_score

Scores = Sequence[float] | np.ndarray


@dataclass(frozen=True)
class PRF:
    """Precision, recall and F1 of the positive class."""

    precision: float
    recall: float
    f1: float

    def as_dict(self) -> dict[str, float]:
        return {k: round(v, 4) for k, v in asdict(self).items()}


def prf(tp: int, fp: int, fn: int) -> PRF:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return PRF(p, r, 2 * p * r / (p + r) if p + r else 0.0)


def at_threshold(scores: Scores, labels: Sequence[float], threshold: float) -> PRF:
    s, y = np.asarray(scores), np.asarray(labels) >= 0.5
    pred = s >= threshold
    return prf(int((pred & y).sum()), int((pred & ~y).sum()), int((~pred & y).sum()))


def best_threshold(scores: Scores, labels: Sequence[float]) -> float:
    """The cut with the highest F1 (midway between neighbouring scores, so it generalises)."""
    s, y = np.asarray(scores, dtype=np.float64), np.asarray(labels) >= 0.5
    if y.all() or not y.any():
        return float(np.median(s))
    precision, recall, cuts = precision_recall_curve(y, s)
    f1 = 2 * precision * recall / np.maximum(precision + recall, 1e-12)
    i = int(np.argmax(f1[:-1]))
    below = s[s < cuts[i]]
    return float((cuts[i] + below.max()) / 2) if below.size else float(cuts[i])


def correlations(scores: Scores, labels: Sequence[float]) -> dict[str, float]:
    s, y = np.asarray(scores, dtype=np.float64), np.asarray(labels, dtype=np.float64)
    if len(set(y.tolist())) < 2:
        return {
            "pearson_cosine": float("nan"),
            "spearman_cosine": float("nan"),
            "roc_auc": float("nan"),
        }
    return {
        "pearson_cosine": round(float(pearsonr(s, y)[0]), 4),
        "spearman_cosine": round(float(spearmanr(s, y)[0]), 4),
        "roc_auc": round(float(roc_auc_score(y >= 0.5, s)), 4),
    }


def recall_at_k(ranks: Sequence[int], ks: Sequence[int] = (1, 5)) -> dict[str, float]:
    """``ranks`` are 0-based positions of the true item (a large number when not retrieved)."""
    r = np.asarray(ranks)
    return {f"recall@{k}": round(float((r < k).mean()) if len(r) else 0.0, 4) for k in ks}
