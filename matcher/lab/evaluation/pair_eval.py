"""``matcher eval --pairs``: a model on labelled pairs, as pair decisions and as a stream.

Pair view: the service's score per pair (cosine, or the hybrid with the lexical cosine); precision / recall / F1 at the threshold that maximises F1 on the
validation split (never on test); Pearson and Spearman of cosine against the label; ROC AUC.
Stream view: the distinct right-hand records of test are a catalog, each left record with a
positive pair is an offer; recall@1 and @5 of its true match.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from matcher.decision import Decider
from matcher.decision.classifier import TreeEnsemble
from matcher.decision.second_stage import Reranker, combine
from matcher.encoding import Encoder
from matcher.lab import metrics
from matcher.lab.pairs import Pairs, Serialize, read_pairs, split_files
from matcher.lab.scoring import fit_decision, score


@dataclass
class PairReport:
    model: str
    data: str
    threshold: float
    threshold_source: str
    test: dict[str, float] = field(default_factory=dict)
    valid: dict[str, float] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)
    rerank: dict[str, float] = field(default_factory=dict)
    learned: dict[str, float] = field(default_factory=dict)  # the learned decision on test


def retrieval_ranks(encoder: Encoder, pairs: Pairs) -> list[int]:
    """0-based rank of the best-ranked true match of each left record among all right records."""
    catalog = list(dict.fromkeys(pairs.right))
    cpos = {t: i for i, t in enumerate(catalog)}
    truth: dict[str, set[int]] = {}
    for left, right, y in zip(pairs.left, pairs.right, pairs.labels, strict=True):
        if y >= 0.5:
            truth.setdefault(left, set()).add(cpos[right])
    if not truth:
        return []
    queries = list(truth)
    cvec = encoder.encode(catalog)
    qvec = encoder.encode(queries)
    scores = qvec @ cvec.T
    order = np.argsort(-scores, axis=1)
    ranks = []
    for i, q in enumerate(queries):
        hits = np.isin(order[i], list(truth[q]))
        ranks.append(int(np.argmax(hits)))
    return ranks


def evaluate(
    encoder: Encoder,
    data: str | Path,
    decider: Decider,
    serialize: Serialize = "kv",
    threshold: float | None = None,
    reranker: Reranker | None = None,
    read_with: str | None = None,
    fit_learned: bool = False,
) -> tuple[PairReport, dict[str, tuple[np.ndarray, list[float]]]]:
    """Metrics for ``data`` (a benchmark folder or one pairs file) and the raw scores for plots.

    Scores are the service's: ``decider``'s (the composition root's decision for the profile).
    ``read_with``: a profile that turns both texts into what the service embeds. With the
    decision's learned classifier, or one fitted here on the train split (``fit_learned``,
    threshold on valid), its test metrics too."""
    files = split_files(data)
    profile = read_with
    config = decider.config
    if fit_learned and "train" in files and "valid" in files:
        config, _ = fit_decision(
            encoder,
            read_pairs(files["train"], serialize, profile),
            read_pairs(files["valid"], serialize, profile),
            decider,
            keep_learned=True,
        )
    raw: dict[str, tuple[np.ndarray, list[float]]] = {}
    scored = {}
    seconds: dict[str, float] = {}
    for split in ("valid", "test"):
        if split in files:
            pairs = read_pairs(files[split], serialize, profile)
            t0 = time.perf_counter()
            scored[split] = score(encoder, pairs, decider)
            raw[split] = (scored[split].score, pairs.labels)
            seconds[f"{split}_embed"] = round(time.perf_counter() - t0, 1)
    if threshold is not None:
        source = "given"
    elif "valid" in raw:
        threshold, source = metrics.best_threshold(*raw["valid"]), "max F1 on valid"
    else:
        threshold, source = config.cutoff, config.threshold_source
    report = PairReport(
        encoder.fingerprint, str(data), round(threshold, 6), source, seconds=seconds
    )
    for split, (scores, labels) in raw.items():
        result = {
            **metrics.at_threshold(scores, labels, threshold).as_dict(),
            **metrics.correlations(scores, labels),
        }
        setattr(report, split, result)
    if config.classifier is not None and "test" in scored:
        model = TreeEnsemble.from_dict(config.classifier)
        probs = model.probabilities(scored["test"].features)
        report.learned = {
            **metrics.at_threshold(probs, scored["test"].labels, model.threshold).as_dict(),
            "probability_threshold": model.threshold,
        }
    test_pairs = read_pairs(files["test"], serialize, profile)
    report.test.update(metrics.recall_at_k(retrieval_ranks(encoder, test_pairs)))
    if reranker is not None:
        report.rerank = rerank_test(reranker, test_pairs, raw["test"][0])
    return report, raw


def rerank_test(reranker: Reranker, pairs: Pairs, scores: np.ndarray) -> dict[str, float]:
    """Test metrics with the second stage, and what it cost (share of pairs sent, seconds)."""
    band = reranker.band
    inside = np.flatnonzero((scores >= band.low) & (scores < band.high))
    t0 = time.perf_counter()
    probs = np.zeros(len(scores), dtype=np.float32)
    probs[inside] = reranker.probabilities([(pairs.left[i], pairs.right[i]) for i in inside])
    seconds = time.perf_counter() - t0
    y = np.asarray(pairs.labels) >= 0.5
    pred = combine(scores, probs, band)
    result = metrics.prf(
        int((pred & y).sum()), int((pred & ~y).sum()), int((~pred & y).sum())
    ).as_dict()
    result.update(
        band_low=round(band.low, 4),
        band_high=round(band.high, 4),
        share_reranked=round(len(inside) / max(1, len(scores)), 4),
        rerank_seconds=round(seconds, 2),
        pairs_per_s=round(len(inside) / seconds, 1) if seconds else 0.0,
    )
    return result


def table_rows(report: PairReport) -> Sequence[tuple[str, str, str]]:
    keys = [
        "precision",
        "recall",
        "f1",
        "pearson_cosine",
        "spearman_cosine",
        "roc_auc",
        "recall@1",
        "recall@5",
    ]
    rows = [(k, _fmt(report.valid.get(k)), _fmt(report.test.get(k))) for k in keys]
    rows += [(f"learned {k}", "—", _fmt(report.learned.get(k))) for k in keys[:3] if report.learned]
    return rows


def _fmt(v: float | None) -> str:
    return "—" if v is None else f"{v:.4f}"
