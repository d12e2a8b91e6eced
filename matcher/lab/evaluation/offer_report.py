"""What the service decides on offers with answers, as a person reading it wants it: precision
and recall of its matches, the false-match rate on offers whose item the catalog lacks, top-1
(the first compatible candidate is the answer), the share sent to review, a character-n-gram
TF-IDF baseline's top-1 on the same data, and the outcome by kind of line (an offer's ``kind``
field, where the data has one) — what fails, not only the score."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from matcher.catalog import CatalogItem
from matcher.events import MatchResult

OUTCOMES = ("right", "wrong item", "missed", "review", "right no_match", "false match")


@dataclass(frozen=True)
class Served:
    """The service's decisions on labelled offers."""

    offers: int
    precision: float
    recall: float
    false_match: float  # of the offers whose item is absent, the share matched anyway
    absent: int
    top1: float  # of the offers whose item is present, the first candidate is it
    review: float  # share of offers sent to a person
    tfidf_top1: float | None  # the baseline's top-1 on the same offers (None: not computed)
    by_kind: dict[str, dict[str, int]] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {k: (round(v, 4) if isinstance(v, float) else v) for k, v in self.__dict__.items()}


def outcome(truth: str | None, result: MatchResult) -> str:
    """One offer's outcome, named as the by-kind table names it."""
    if truth is None:
        if result.catalog_id:
            return "false match"
        return "review" if result.decision == "review" else "right no_match"
    if result.catalog_id == truth:
        return "right"
    if result.catalog_id:
        return "wrong item"
    return "review" if result.decision == "review" else "missed"


def report(
    results: Sequence[MatchResult],
    offers: Sequence[dict[str, Any]],
    items: Sequence[CatalogItem] | None = None,
) -> Served:
    """The service's ``results`` on labelled ``offers``; with the catalog ``items``, the TF-IDF
    baseline too."""
    truths = [
        str(o["expected_catalog_id"]) if o.get("expected_catalog_id") else None for o in offers
    ]
    kinds: dict[str, Counter[str]] = defaultdict(Counter)
    for o, t, r in zip(offers, truths, results, strict=True):
        kinds[str(o.get("kind") or "all")][outcome(t, r)] += 1
    total: Counter[str] = Counter()
    for counts in kinds.values():
        total.update(counts)
    matched = total["right"] + total["wrong item"] + total["false match"]
    present = sum(t is not None for t in truths)
    absent = len(truths) - present
    first = [
        bool(r.candidates) and r.candidates[0].catalog_id == t
        for t, r in zip(truths, results, strict=True)
        if t is not None
    ]
    return Served(
        offers=len(offers),
        precision=total["right"] / max(1, matched),
        recall=total["right"] / max(1, present),
        false_match=total["false match"] / max(1, absent),
        absent=absent,
        top1=sum(first) / max(1, present),
        review=sum(r.decision == "review" for r in results) / max(1, len(results)),
        tfidf_top1=tfidf_top1(items, offers) if items is not None else None,
        by_kind={k: dict(v) for k, v in sorted(kinds.items(), key=lambda kv: -kv[1].total())},
    )


def tfidf_top1(items: Sequence[CatalogItem], offers: Sequence[dict[str, Any]]) -> float:
    """Top-1 of a plain baseline: scikit-learn character 2–4-gram TF-IDF (word-bounded) over the
    raw titles, cosine, no normalization, no guards."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    present = [o for o in offers if o.get("expected_catalog_id")]
    if not present or not items:
        return 0.0
    vec = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 4), lowercase=True, sublinear_tf=True)
    catalog = vec.fit_transform([i.title for i in items])
    queries = vec.transform([str(o["title"]) for o in present])
    best = np.asarray((queries @ catalog.T).argmax(axis=1)).ravel()
    ids = [i.catalog_id for i in items]
    return float(
        np.mean(
            [ids[b] == str(o["expected_catalog_id"]) for b, o in zip(best, present, strict=True)]
        )
    )
