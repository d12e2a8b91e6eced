"""The whole decision for a batch: the score, candidates, guards over every candidate, the
threshold verdict, the profile's special rules and, when configured, the learned decision and the
second stage. The pipeline, ``matcher match`` and ``matcher eval`` all decide through this one
object; it is made for one profile (:meth:`Decider.for_profile`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from matcher.catalog.index import Candidates
from matcher.decision.classifier import TreeEnsemble
from matcher.decision.config import Band, DecisionConfig, Defaults
from matcher.decision.features import OFFER_FEATURES, Context, row
from matcher.decision.guards import Guard, GuardSet
from matcher.decision.policy import ThresholdPolicy
from matcher.decision.rules import Blocking, Rule
from matcher.decision.search import best_compatible, top_k
from matcher.decision.verdict import Scored, Verdict
from matcher.normalize import Attributes
from matcher.scoring import Scorer


class Catalog(Blocking, Protocol):
    """What deciding needs of a catalog snapshot."""

    def catalog_id(self, row: int) -> str: ...

    def attributes(self, row: int) -> Attributes: ...

    def text(self, row: int) -> str: ...


class Domain(Defaults, Protocol):
    """What deciding needs of a profile: its defaults, guards and special rules."""

    @property
    def rules(self) -> tuple[Rule, ...]: ...

    @property
    def unsure_guards(self) -> tuple[str, ...]: ...

    def select(self, names: Sequence[str] | None) -> tuple[Guard, ...]: ...


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
        self,
        config: DecisionConfig,
        profile: Domain,
        reranker: SecondStage | None = None,
        top_k: int = 5,
        dense_floor: float = 0.0,
    ) -> None:
        config = config.resolve(profile)
        self.config = config
        self.profile = profile
        self.guards = GuardSet(profile.select(config.guards))
        self.rules = profile.rules if self.guards else ()  # no guards: cosine alone
        assert config.lexical_weight is not None
        self.scorer = Scorer(config.lexical_weight, dense_floor)
        self.reranker = reranker
        self.band: Band | None = config.band or (reranker.band if reranker else None)
        first = self.band.low if reranker is not None and self.band else config.cutoff
        self.classifier = (
            TreeEnsemble.from_dict(config.classifier, OFFER_FEATURES)
            if config.classifier is not None
            else None
        )
        if self.classifier is not None:  # every compatible candidate goes to the classifier
            first = float("-inf")
        self.policy = ThresholdPolicy(first, self.guards)
        self.top_k = top_k
        self.review_band = float(config.review_band or 0.0)

    def decide(
        self,
        catalog: Catalog,
        offers: Sequence[Attributes],
        texts: Sequence[str],
        candidates: Sequence[Candidates],
    ) -> list[Decision]:
        """One decision per offer, from its candidates."""
        out = []
        best: list[Scored | None] = []
        for attrs, cands in zip(offers, candidates, strict=True):
            rows, scores = top_k(cands, self.top_k)
            top = [self._scored(catalog, r, s) for r, s in zip(rows, scores, strict=True)]
            compatible = None
            if self.guards and top:
                found = best_compatible(attrs, cands, catalog, self.guards)
                compatible = self._scored(catalog, *found) if found is not None else None
            verdict = self.policy.decide(attrs, top, compatible)
            if verdict.matched is None and compatible is not None:
                for rule in self.rules:
                    rescued = rule.rescue(
                        attrs, compatible, catalog, self.guards, self.policy.threshold
                    )
                    if rescued is not None:
                        verdict = rescued
                        break
            out.append(Decision(top, verdict))
            best.append(compatible)
        if self.classifier is not None:
            out = self._classify(catalog, offers, texts, out, self.classifier)
        elif self.review_band > 0:
            out = [self._unsure(a, d, c) for a, d, c in zip(offers, out, best, strict=True)]
        if self.reranker is not None and self.band is not None:
            out = self._review(catalog, texts, out, self.reranker, self.band)
        return out

    def _unsure(self, offer: Attributes, decision: Decision, best: Scored | None) -> Decision:
        """A decision a person should make instead: the best compatible score within the band
        of the threshold, a candidate the model ranks first that only a free-text guard (the
        profile's ``unsure_guards``) rules out, a second item about as good as the one matched,
        or a special rule's guess."""
        band, cut, verdict = self.review_band, self.policy.threshold, decision.verdict
        top = decision.candidates[0] if decision.candidates else None

        def review(proposal: Scored, why: str) -> Decision:
            return Decision(decision.candidates, Verdict(None, f"review:{why}", proposal))

        if verdict.reason.startswith("match:") and verdict.matched is not None:
            return review(verdict.matched, verdict.reason.removeprefix("match:"))
        if best is not None and abs(best.score - cut) < band:
            return review(best, "band")
        if verdict.matched is not None:
            rivals = [
                c
                for c in decision.candidates
                if c.catalog_id != verdict.matched.catalog_id
                and c.score >= verdict.matched.score - band / 2
                and not self.guards.conflicts(offer, c.attributes)
            ]
            return review(verdict.matched, "close") if rivals else decision
        fired = verdict.reason.removeprefix("conflict:").split("+")
        if (
            top is not None
            and top.score >= cut
            and verdict.reason.startswith("conflict:")
            and set(fired) <= set(self.profile.unsure_guards)
        ):
            return review(top, verdict.reason)  # the model is sure, a guard that reads text not
        return decision

    def contexts(
        self,
        catalog: Catalog,
        offers: Sequence[Attributes],
        texts: Sequence[str],
        decisions: Sequence[Decision],
    ) -> list[tuple[int, Context]]:
        """Each offer that has a candidate matched so far, with what the learned decision reads
        (also what ``matcher train-decision`` fits it on)."""
        chosen = [(i, d.verdict.matched) for i, d in enumerate(decisions) if d.verdict.matched]
        if not chosen:
            return []
        lexical_pairs = getattr(catalog, "lexical_pairs", None)
        lexical = (
            lexical_pairs([texts[i] for i, _ in chosen], [m.row for _, m in chosen if m])
            if lexical_pairs is not None
            else np.zeros(len(chosen))
        )
        return [
            (
                i,
                Context(
                    offers[i], texts[i], m, catalog.text(m.row), float(lex),
                    decisions[i].candidates,
                ),
            )
            for (i, m), lex in zip(chosen, lexical, strict=True)
            if m is not None
        ]  # fmt: skip

    def _classify(
        self,
        catalog: Catalog,
        offers: Sequence[Attributes],
        texts: Sequence[str],
        decisions: list[Decision],
        classifier: TreeEnsemble,
    ) -> list[Decision]:
        """The learned decision on each offer's best compatible candidate, in one call."""
        found = self.contexts(catalog, offers, texts, decisions)
        if not found:
            return decisions
        rows = np.vstack([row(ctx, classifier.features) for _, ctx in found])
        out = list(decisions)
        match_from = self._match_from(classifier)  # once per batch
        for (i, ctx), p in zip(found, classifier.probabilities(rows), strict=True):
            if self._unsure_probability(p, classifier):
                verdict = Verdict(None, "review:classifier", ctx.best)
            elif p >= match_from:
                verdict = Verdict(ctx.best, decisions[i].verdict.reason)
            else:
                verdict = Verdict(None, "classifier:no_match")
            out[i] = Decision(decisions[i].candidates, verdict)
        return out

    def _match_from(self, classifier: TreeEnsemble) -> float:
        """The probability matches start at: with reviews off, the zone a person would have
        decided is decided at its low edge (the best-F1 cut), as a decision without a zone is."""
        if self.review_band <= 0 and classifier.review_from is not None:
            return classifier.review_from
        return classifier.threshold

    def _unsure_probability(self, p: float, classifier: TreeEnsemble) -> bool:
        """Whether a person should decide: inside the zone the decision learned (between the
        best-F1 cut and the cut its precision target asks), else within the band of its cut;
        a review band of 0 turns reviews off either way."""
        if self.review_band <= 0:
            return False
        if classifier.review_from is not None:
            return classifier.review_from <= p < classifier.threshold
        return abs(p - classifier.threshold) < self.review_band

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
