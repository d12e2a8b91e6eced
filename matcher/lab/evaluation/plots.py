"""A PNG a person can read at a glance: score histograms of matches and non-matches, and the PR curve."""

from __future__ import annotations

from pathlib import Path

import numpy as np


def score_plot(
    scores: np.ndarray, labels: list[float], threshold: float, title: str, path: str | Path
) -> Path:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from sklearn.metrics import precision_recall_curve

    y = np.asarray(labels) >= 0.5
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(11, 4.2))
    bins = np.linspace(min(-0.2, float(scores.min())), 1.0, 60)
    ax1.hist(
        scores[~y],
        bins=bins,
        alpha=0.6,
        label=f"non-matches ({int((~y).sum())})",
        color="tab:orange",
        density=True,
    )
    ax1.hist(
        scores[y],
        bins=bins,
        alpha=0.6,
        label=f"matches ({int(y.sum())})",
        color="tab:blue",
        density=True,
    )
    ax1.axvline(threshold, color="k", linestyle="--", label=f"threshold {threshold:.3f}")
    ax1.set_xlabel("cosine")
    ax1.set_ylabel("density")
    ax1.set_title("score distributions")
    ax1.legend()
    precision, recall, _ = precision_recall_curve(y, scores)
    ax2.plot(recall, precision, color="tab:green")
    pred = scores >= threshold
    p = (pred & y).sum() / max(1, pred.sum())
    r = (pred & y).sum() / max(1, y.sum())
    ax2.scatter([r], [p], color="k", zorder=3, label=f"at threshold: P={p:.3f} R={r:.3f}")
    ax2.set_xlabel("recall")
    ax2.set_ylabel("precision")
    ax2.set_xlim(0, 1.01)
    ax2.set_ylim(0, 1.01)
    ax2.set_title("precision-recall")
    ax2.legend(loc="lower left")
    fig.suptitle(title)
    fig.tight_layout()
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(out, dpi=110)
    plt.close(fig)
    return out
