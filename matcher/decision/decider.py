"""The whole decision for a batch: candidates, guards over every candidate, the threshold
verdict and, when configured, the second stage. The pipeline, ``matcher match`` and
``matcher eval`` all decide through this one object."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from matcher.catalog.index import Candidates
from matcher.decision.classifier import TreeEnsemble, pair_features
from matcher.decision.config import Band, DecisionConfig
from matcher.decision.guards import ColumnSource, GuardSet
from matcher.decision.policy import ThresholdPolicy
from matcher.decision.search import best_compatible, top_k
from matcher.decision.verdict import Scored, Verdict
from matcher.normalize import Attributes

# How far below the threshold the one fitting variant of a named model may score and match.
SOLE_VARIANT_MARGIN = 0.15


class Catalog(ColumnSource, Protocol):
    """What deciding needs of a catalog snapshot."""

    def catalog_id(self, row: int) -> str: ...

    def attributes(self, row: int) -> Attributes: ...

    def text(self, row: int) -> str: ...


class SecondStage(Protocol):
    """A pair model for the unsure band (the cross-encoder)."""

    band: Band

    def probabilities(self, pairs: Sequence[tuple[str, str]]) -> np.ndarray: ...


@dataclass(frozen=True)
class Decision:
    """The top-k candidates (best first) and the verdict for one offer."""

    candidates: list[Scored]
    verdict: Verdict


class Decider:
    """Decides a batch of offers against one catalog snapshot.

    With a second stage, the first stage's threshold is the band's low edge: every compatible
    candidate from there up is a match candidate, and the band decides which the cross-encoder
    reviews (inside it) and which pass on cosine alone (above it).
    """

    def __init__(
        self, config: DecisionConfig, reranker: SecondStage | None = None, top_k: int = 5
    ) -> None:
        self.config = config
        self.guards = GuardSet(config.guard_names)
        self.reranker = reranker
        self.band: Band | None = config.band or (reranker.band if reranker else None)
        first = self.band.low if reranker is not None and self.band else config.cutoff
        self.classifier = (
            TreeEnsemble.from_dict(config.classifier) if config.classifier is not None else None
        )
        if self.classifier is not None:  # every compatible candidate goes to the classifier
            first = float("-inf")
        self.policy = ThresholdPolicy(first, self.guards)
        self.top_k = top_k

    def decide(
        self,
        catalog: Catalog,
        offers: Sequence[Attributes],
        texts: Sequence[str],
        candidates: Sequence[Candidates],
    ) -> list[Decision]:
        """One decision per offer, from its candidates."""
        out = []
        for attrs, cands in zip(offers, candidates, strict=True):
            rows, scores = top_k(cands, self.top_k)
            top = [self._scored(catalog, r, s) for r, s in zip(rows, scores, strict=True)]
            compatible = None
            if self.guards and top:
                found = best_compatible(attrs, cands, catalog, self.guards)
                compatible = self._scored(catalog, *found) if found is not None else None
            verdict = self.policy.decide(attrs, top, compatible)
            if verdict.matched is None and compatible is not None:
                verdict = self._sole_variant(catalog, attrs, compatible) or verdict
            out.append(Decision(top, verdict))
        if self.classifier is not None:
            out = self._classify(catalog, offers, texts, out, self.classifier)
        if self.reranker is not None and self.band is not None:
            out = self._review(catalog, texts, out, self.reranker, self.band)
        return out

    def _classify(
        self,
        catalog: Catalog,
        offers: Sequence[Attributes],
        texts: Sequence[str],
        decisions: list[Decision],
        classifier: TreeEnsemble,
    ) -> list[Decision]:
        """The learned decision on each offer's best compatible candidate, in one call."""
        chosen = [(i, d.verdict.matched) for i, d in enumerate(decisions) if d.verdict.matched]
        if not chosen:
            return decisions
        lexical_pairs = getattr(catalog, "lexical_pairs", None)
        lexical = (
            lexical_pairs([texts[i] for i, _ in chosen], [m.row for _, m in chosen if m])
            if lexical_pairs is not None
            else np.zeros(len(chosen))
        )
        rows = np.vstack(
            [
                pair_features(
                    m.score, float(lex), texts[i], catalog.text(m.row), offers[i], m.attributes
                )
                for (i, m), lex in zip(chosen, lexical, strict=True)
                if m is not None
            ]
        )
        out = list(decisions)
        for (i, m), p in zip(chosen, classifier.probabilities(rows), strict=True):
            verdict = (
                Verdict(m, "match")
                if p >= classifier.threshold
                else Verdict(None, "classifier:no_match")
            )
            out[i] = Decision(decisions[i].candidates, verdict)
        return out

    def _sole_variant(self, catalog: Catalog, offer: Attributes, best: Scored) -> Verdict | None:
        """An offer naming a model (and maybe a colour) but no memory, whose model has exactly
        one variant in the catalog that passes the guards: that variant, a little below the
        threshold (the model's cosine is lower for such short titles, not the evidence)."""
        rows_with = getattr(catalog, "rows_with", None)
        if (
            rows_with is None
            or offer.model is None
            or offer.ram is not None
            or offer.rom is not None
            or best.score < self.policy.threshold - SOLE_VARIANT_MARGIN
        ):
            return None
        rows = rows_with("model", offer.model)
        if not len(rows):
            return None
        mask = self.guards.mask(offer, catalog, rows)
        passing = rows if mask is None else rows[mask]
        if len(passing) == 1 and int(passing[0]) == best.row:
            return Verdict(best, "match:sole_variant")
        return None

    @staticmethod
    def _review(
        catalog: Catalog,
        texts: Sequence[str],
        decisions: list[Decision],
        reranker: SecondStage,
        band: Band,
    ) -> list[Decision]:
        """Send matches whose cosine is inside the band to the cross-encoder, in one call."""
        unsure = [
            (i, d.verdict.matched)
            for i, d in enumerate(decisions)
            if d.verdict.matched and band.contains(d.verdict.matched.score)
        ]
        pairs = [(texts[i], catalog.text(m.row)) for i, m in unsure if m is not None]
        out = list(decisions)
        for (i, _), p in zip(unsure, reranker.probabilities(pairs), strict=True):
            d = decisions[i]
            verdict = (
                Verdict(d.verdict.matched, "rerank:match")
                if p >= band.threshold
                else Verdict(None, "rerank:no_match")
            )
            out[i] = Decision(d.candidates, verdict)
        return out

    @staticmethod
    def _scored(catalog: Catalog, row: int, score: float) -> Scored:
        row = int(row)
        return Scored(catalog.catalog_id(row), float(score), catalog.attributes(row), row)
