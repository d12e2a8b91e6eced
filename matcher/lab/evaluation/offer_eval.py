"""End to end on offers with known answers: offers → the service's decisions → P / R / F1.

An offer with ``expected_catalog_id`` null must come out no_match. A match is a true positive only
when it names the expected item. The threshold is calibrated on validation offers, never on test.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from matcher.catalog import read_catalog
from matcher.catalog.index import CatalogIndex
from matcher.catalog.ingest import build_index
from matcher.encoding import Encoder
from matcher.events import MatchResult, Offer
from matcher.lab.evaluation.offer_report import Served, report
from matcher.lab.metrics import prf
from matcher.pipeline import Decisions, MatchPipeline
from matcher.profiles import Profile


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


def variant(decisions: Decisions, **overrides: object) -> Decisions:
    """``decisions`` with some fields set for every profile (deciders made afresh)."""
    return replace(decisions, overrides={**decisions.overrides, **overrides}, _made={})


def outcomes(
    encoder: Encoder,
    index: CatalogIndex,
    offers: Sequence[dict[str, object]],
    decisions: Decisions,
    batch: int = 256,
) -> list[Outcome]:
    """Run the matching pipeline with no threshold and keep what a threshold will decide on."""
    open_ = variant(decisions, threshold=float("-inf"))
    return _run(MatchPipeline(encoder, lambda: index, open_), offers, batch)


def _run(pipeline: MatchPipeline, offers: Sequence[dict[str, object]], batch: int) -> list[Outcome]:
    """Each offer's answer, the pipeline's choice and its score (-inf: nothing chosen)."""
    out: list[Outcome] = []
    for o, r in zip(offers, run(pipeline, offers, batch), strict=True):
        truth = o.get("expected_catalog_id")
        score = float(r.score or 0.0) if r.catalog_id else float("-inf")
        out.append(Outcome(str(truth) if truth else None, r.catalog_id, score))
    return out


def run(
    pipeline: MatchPipeline, offers: Sequence[dict[str, object]], batch: int = 256
) -> list[MatchResult]:
    """The pipeline's results for ``offers``, in micro-batches as the service makes them."""
    results: list[MatchResult] = []
    for start in range(0, len(offers), batch):
        results += pipeline.match([Offer.model_validate(o) for o in offers[start : start + batch]])
    return results


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


def as_served(
    results: Sequence[MatchResult], offers: Sequence[dict[str, object]], cutoff: float
) -> OfferMetrics:
    """The service's own decisions (every rule of the profile included) as metrics."""
    decided = [
        Outcome(
            str(o["expected_catalog_id"]) if o.get("expected_catalog_id") else None,
            r.catalog_id,
            1.0 if r.catalog_id else float("-inf"),
        )
        for o, r in zip(offers, results, strict=True)
    ]
    return replace(at(decided, 0.5), threshold=cutoff)


def calibrate(outs: Sequence[Outcome], default: float) -> float:
    """The threshold with the best F1 on these (validation) outcomes; ties go to the higher one
    (``default`` when nothing was chosen)."""
    cuts = sorted({o.score for o in outs if o.chosen is not None})
    if not cuts:
        return default
    best, best_f1 = cuts[0], -1.0
    for lo, hi in zip([cuts[0] - 1e-3, *cuts[:-1]], cuts, strict=True):
        t = (lo + hi) / 2
        f1 = at(outs, t).f1
        if f1 >= best_f1:
            best, best_f1 = t, f1
    return float(best)


def read_offers(path: str | Path) -> list[dict[str, object]]:
    """Offers with answers, one JSON object a line."""
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


@dataclass(frozen=True)
class Evaluation:
    """Metrics per configuration (guards off, on, as served) and the served decisions in detail."""

    rows: dict[str, OfferMetrics]
    served: Served


def evaluate(
    encoder: Encoder,
    catalog: str | Path,
    offers: str | Path,
    decisions: Decisions,
    profile: Profile,
    choice: str = "",
    valid_offers: str | Path | None = None,
    threshold: float | None = None,
    write_threshold: bool = False,
) -> Evaluation:
    """Metrics with guards off and on, each at its threshold: given, else calibrated on
    ``valid_offers``, else the decision's own; the catalog read by ``profile``.
    ``write_threshold`` saves the guarded one with the model (for that profile)."""
    items = read_catalog(catalog)
    index = build_index(items, encoder, profile, choice, progress=False)
    decided = decisions.for_profile(profile).config
    test = read_offers(offers)
    valid = read_offers(valid_offers) if valid_offers else []
    rows = {}
    for guards in (False, True):
        chosen = decisions if guards else variant(decisions, guards=())
        cut = threshold
        if cut is None:
            cut = (
                calibrate(outcomes(encoder, index, valid, chosen), decided.cutoff)
                if valid
                else decided.cutoff
            )
        rows["guards" if guards else "no guards"] = at(outcomes(encoder, index, test, chosen), cut)
    cut = rows["guards"].threshold
    pipeline = MatchPipeline(encoder, lambda: index, variant(decisions, threshold=cut))
    results = run(pipeline, test)
    rows["as served"] = as_served(results, test, pipeline.decider(index).config.cutoff)
    if write_threshold:
        source = Path(valid_offers or offers).name
        replace(
            decided,
            guards=None if decided.guards == profile.guard_names() else decided.guards,
            threshold=round(rows["guards"].threshold, 6),
            threshold_source=f"max F1 of offer decisions on {source}, guards on",
        ).save(encoder.path)
    return Evaluation(rows, report(results, test, items))
