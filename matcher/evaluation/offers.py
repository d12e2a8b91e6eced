"""End to end on offers with known answers: offers → the service's decisions → P / R / F1.

An offer with ``expected_catalog_id`` null must come out no_match. A match is a true positive only
when it names the expected item. The threshold is calibrated on validation offers, never on test.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from matcher.catalog.index import CatalogIndex
from matcher.decision import DecisionPolicy
from matcher.encoder import Encoder
from matcher.evaluation.metrics import prf
from matcher.events import Offer
from matcher.pipeline import MatchPipeline


@dataclass(frozen=True)
class Outcome:
    """The first candidate (best first) that passes the guards, before any threshold."""

    truth: str | None
    chosen: str | None
    score: float


@dataclass(frozen=True)
class OfferMetrics:
    threshold: float
    precision: float
    recall: float
    f1: float
    id_accuracy: float  # matchable offers whose decision names the expected item
    accuracy: float  # all offers: right item, or no_match when there is none
    offers: int

    def as_dict(self) -> dict[str, float]:
        return {k: round(float(v), 4) for k, v in self.__dict__.items()}


def outcomes(
    encoder: Encoder,
    index: CatalogIndex,
    offers: Sequence[dict[str, object]],
    guards: bool,
    top_k: int = 10,
    batch: int = 256,
) -> list[Outcome]:
    """Run the matching pipeline with no threshold and keep what a threshold will decide on."""
    pipeline = MatchPipeline(
        encoder, lambda: index, DecisionPolicy(float("-inf"), guards=guards), top_k
    )
    out: list[Outcome] = []
    for start in range(0, len(offers), batch):
        chunk = offers[start : start + batch]
        results = pipeline.match([Offer.model_validate(o) for o in chunk])
        for o, r in zip(chunk, results, strict=True):
            truth = o.get("expected_catalog_id")
            out.append(
                Outcome(
                    str(truth) if truth else None,
                    r.catalog_id,
                    float(r.score or 0.0) if r.catalog_id else float("-inf"),
                )
            )
    return out


def at(outs: Sequence[Outcome], threshold: float) -> OfferMetrics:
    tp = fp = fn = right = 0
    for o in outs:
        pred = o.chosen if o.chosen is not None and o.score >= threshold else None
        if pred is not None and pred == o.truth:
            tp += 1
        elif pred is not None:
            fp += 1
        if o.truth is not None and pred != o.truth:
            fn += 1
        right += pred == o.truth
    m = prf(tp, fp, fn)
    matchable = sum(o.truth is not None for o in outs)
    return OfferMetrics(
        threshold,
        m.precision,
        m.recall,
        m.f1,
        tp / max(1, matchable),
        right / max(1, len(outs)),
        len(outs),
    )


def calibrate(outs: Sequence[Outcome]) -> float:
    """The threshold with the best F1 on these (validation) outcomes; ties go to the higher one."""
    cuts = sorted({o.score for o in outs if o.chosen is not None})
    if not cuts:
        return 0.5
    best, best_f1 = cuts[0], -1.0
    for lo, hi in zip([cuts[0] - 1e-3, *cuts[:-1]], cuts, strict=True):
        t = (lo + hi) / 2
        f1 = at(outs, t).f1
        if f1 >= best_f1:
            best, best_f1 = t, f1
    return float(best)
