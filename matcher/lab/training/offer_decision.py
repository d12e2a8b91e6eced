"""``matcher train-decision``: the learned decision, fitted on offers with answers.

A threshold on one score cannot tell "the item is here" from "a sibling is here and the item is
not": both score high. Offers with known answers can — including offers for products the catalog
does not carry. Every offer is run through the service's own pipeline with no threshold; its best
compatible candidate and what the candidate list shows (:mod:`matcher.decision.features`) become
one row, labelled 1 when that candidate is the answer. Boosted trees are fitted on the rows; on
the validation offers (or, without them, on out-of-fold probabilities of the training offers)
two probability cuts are chosen: the one with the best F1 of offer decisions, and the one where
the matches taken reach the precision asked (``min_precision``). Above the higher cut is a match;
between the two, a person reviews; below, no match. Precision is what a new catalog loses first
(a missing item's sibling looks like a match), so ``matcher train-decision`` asks precision
0.98 by default (the library's 0: the best-F1 cut alone). The result is a
:class:`~matcher.decision.DecisionConfig` for the catalog's profile, saved as a file
(``MATCHER_DECISION``) or with the model.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from matcher.catalog.index import CatalogIndex
from matcher.decision import DecisionConfig
from matcher.decision.classifier import fit
from matcher.decision.features import OFFER_FEATURES, row
from matcher.events import Offer
from matcher.pipeline import Decisions, MatchPipeline


@dataclass(frozen=True)
class Rows:
    """One row per offer with a candidate: features, label, and whether it had an answer."""

    features: np.ndarray
    labels: np.ndarray  # 1: the best compatible candidate is the answer
    answered: np.ndarray  # the offer's product is in the catalog
    total_answered: int  # offers with an answer, candidates or not (recall's denominator)


def rows(
    pipeline: MatchPipeline, index: CatalogIndex, offers: Sequence[dict[str, Any]], batch: int = 256
) -> Rows:
    """The learned decision's rows for ``offers``, from ``pipeline`` run with no threshold."""
    feats, labels, answered = [], [], []
    for start in range(0, len(offers), batch):
        chunk = offers[start : start + batch]
        prepared = [pipeline.prepare(Offer.model_validate(o), index) for o in chunk]
        decided = pipeline.decide(prepared, index)
        found = decided.decider.contexts(
            index, decided.attributes, decided.texts, decided.decisions
        )
        for i, ctx in found:
            truth = chunk[i].get("expected_catalog_id")
            feats.append(row(ctx, OFFER_FEATURES))
            labels.append(float(truth is not None and ctx.best.catalog_id == str(truth)))
            answered.append(truth is not None)
    return Rows(
        np.vstack(feats) if feats else np.zeros((0, len(OFFER_FEATURES))),
        np.asarray(labels),
        np.asarray(answered, dtype=bool),
        sum(o.get("expected_catalog_id") is not None for o in offers),
    )


def taken(took: np.ndarray, data: Rows) -> tuple[float, float]:
    """Precision and recall of matching the rows ``took`` marks."""
    tp = int((took & (data.labels == 1)).sum())
    return tp / max(1, int(took.sum())), tp / max(1, data.total_answered)


def best_cut(probs: np.ndarray, data: Rows) -> tuple[float, dict[str, float]]:
    """The probability threshold with the best F1 of offer decisions (ties: the higher one),
    placed halfway between the lowest probability taken and the highest one left."""
    best = (0.5, {"precision": 0.0, "recall": 0.0, "f1": -1.0})
    values = np.unique(probs).tolist()
    for below, value in zip([0.0, *values[:-1]], values, strict=True):
        cut = (below + value) / 2
        p, r = taken(probs >= value, data)
        f1 = 2 * p * r / max(1e-9, p + r)
        if f1 >= best[1]["f1"]:
            best = (cut, {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f1, 4)})
    return best


def precision_cut(probs: np.ndarray, data: Rows, target: float) -> float:
    """The lowest probability threshold whose matches have precision ≥ ``target`` (the offers
    taken from the most probable down), halfway to the next probability; 1 when none reaches it."""
    order = np.argsort(-probs, kind="stable")
    ranked, labels = probs[order], data.labels[order]
    tp = np.cumsum(labels == 1)
    precision = tp / np.arange(1, len(labels) + 1)
    # a cut can only fall between two different probabilities: tied rows are taken together
    ends = np.append(ranked[1:] < ranked[:-1], True)
    ok = np.flatnonzero((precision >= target) & ends)
    if not len(ok):
        return 1.0
    k = int(ok[-1])
    below = float(ranked[k + 1]) if k + 1 < len(ranked) else 0.0
    return (float(ranked[k]) + below) / 2


def capped(probs: np.ndarray, low: float, high: float, share: float) -> float:
    """``high``, lowered until at most ``share`` of the rows lie in ``[low, high)`` (reviewed):
    on few or saturated probabilities a precision target can ask for nearly every row."""
    zone = np.sort(probs[(probs >= low) & (probs < high)])
    allowed = int(share * len(probs))
    if len(zone) <= allowed:
        return high
    return float((zone[allowed - 1] + zone[allowed]) / 2) if allowed > 0 else low


def fit_on_offers(
    encoder: Any,
    index: CatalogIndex,
    decisions: Decisions,
    train: Sequence[dict[str, Any]],
    valid: Sequence[dict[str, Any]] = (),
    seed: int = 42,
    min_precision: float = 0.0,
    max_review: float = 1.0,
) -> tuple[DecisionConfig, dict[str, Any]]:
    """The decision for the catalog's profile with trees fitted on ``train`` offers."""
    return fit_on_catalogs(
        encoder, decisions, [(index, train, valid)], seed, min_precision, max_review
    )


def fit_on_catalogs(
    encoder: Any,
    decisions: Decisions,
    sets: Sequence[tuple[CatalogIndex, Sequence[dict[str, Any]], Sequence[dict[str, Any]]]],
    seed: int = 42,
    min_precision: float = 0.0,
    max_review: float = 1.0,
) -> tuple[DecisionConfig, dict[str, Any]]:
    """One decision fitted on the offers of several catalogs (all read by one profile): each
    set is (catalog, train offers, validation offers — may be empty). With ``min_precision``,
    matches start where it is reached, and the offers from the best-F1 cut up to there are
    reviewed — at most ``max_review`` of them."""
    profiles = {MatchPipeline.profile_of(index).name for index, _, _ in sets}
    if len(profiles) != 1:
        raise ValueError(f"the catalogs are read by different profiles: {sorted(profiles)}")
    profile = MatchPipeline.profile_of(sets[0][0])
    base = decisions.for_profile(profile).config
    open_ = Decisions(
        replace(base, classifier=None, threshold=float("-inf")),
        {},
        decisions.reranker,
        decisions.top_k,
        decisions.dense_floor,
    )
    trains, valids = [], []
    for index, train, valid in sets:
        pipeline = MatchPipeline(encoder, lambda index=index: index, open_)  # type: ignore[misc]
        trains.append(rows(pipeline, index, train))
        if valid:
            valids.append(rows(pipeline, index, valid))
    tr = _join(trains)
    model = fit(tr.features, tr.labels.tolist(), seed=seed, features=OFFER_FEATURES)
    if valids:
        va = _join(valids)
        probs, judged = model.probabilities(va.features), va
        on = f"offer decisions on {va.total_answered} answered validation offers"
    else:
        probs, judged = _out_of_fold(tr, seed), tr
        on = f"out-of-fold offer decisions on {len(tr.labels)} offers"
    cut, metrics = best_cut(probs, judged)
    source = f"max F1 of {on}"
    review_from = None
    if min_precision > 0:
        high = capped(probs, cut, precision_cut(probs, judged, min_precision), max_review)
        if high > cut:
            review_from, cut = cut, high
            took = probs >= cut
            p, r = taken(took, judged)
            metrics = {
                "precision": round(p, 4),
                "recall": round(r, 4),
                "reviewed": round(float(((probs >= review_from) & ~took).mean()), 4),
            }
            source = f"precision ≥ {min_precision} of {on}; from the max-F1 cut up: review"
    model = replace(model, threshold=float(cut), review_from=review_from)
    config = replace(
        base,
        classifier=model.to_dict(),
        guards=None if base.guards == profile.guard_names() else base.guards,
        threshold_source=f"learned decision, probability threshold: {source}",
    )
    report = {
        "rows": len(tr.labels),
        "positives": int(tr.labels.sum()),
        **metrics,
        "cut": cut,
        "review_from": review_from,
    }
    return config, report


def _join(parts: Sequence[Rows]) -> Rows:
    return Rows(
        np.vstack([p.features for p in parts]),
        np.concatenate([p.labels for p in parts]),
        np.concatenate([p.answered for p in parts]),
        sum(p.total_answered for p in parts),
    )


def _out_of_fold(data: Rows, seed: int, folds: int = 5) -> np.ndarray:
    """Each row's probability from trees fitted without its fold."""
    rng = np.random.default_rng(seed)
    fold = rng.integers(0, folds, len(data.labels))
    out = np.zeros(len(data.labels))
    for k in range(folds):
        test = fold == k
        if test.any() and (~test).any():
            model = fit(
                data.features[~test],
                data.labels[~test].tolist(),
                seed=seed,
                features=OFFER_FEATURES,
            )
            out[test] = model.probabilities(data.features[test])
    return out
