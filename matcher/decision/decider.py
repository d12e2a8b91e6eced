"""The whole decision for a batch: candidates, guards over the whole catalog, the threshold
verdict and, when configured, the second stage. The pipeline, ``matcher match`` and
``matcher eval`` all decide through this one object."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from matcher.decision.config import Band, DecisionConfig
from matcher.decision.guards import ColumnSource, GuardSet
from matcher.decision.policy import ThresholdPolicy
from matcher.decision.search import best_compatible, top_k
from matcher.decision.second_stage import Reranker
from matcher.decision.verdict import Scored, Verdict
from matcher.normalize import Attributes


class Item(Protocol):
    @property
    def catalog_id(self) -> str: ...

    @property
    def attributes(self) -> Attributes: ...


class Catalog(ColumnSource, Protocol):
    """What deciding needs of a catalog snapshot."""

    @property
    def entries(self) -> Sequence[Item]: ...

    @property
    def text_by_id(self) -> dict[str, str]: ...


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
        self, config: DecisionConfig, reranker: Reranker | None = None, top_k: int = 5
    ) -> None:
        self.config = config
        self.guards = GuardSet(config.guards)
        self.reranker = reranker
        self.band: Band | None = config.band or (reranker.band if reranker else None)
        first = self.band.low if reranker is not None and self.band else config.threshold
        self.policy = ThresholdPolicy(first, self.guards)
        self.top_k = top_k

    def decide(
        self,
        catalog: Catalog,
        offers: Sequence[Attributes],
        texts: Sequence[str],
        scores: np.ndarray,
    ) -> list[Decision]:
        """One decision per offer row of ``scores`` (offers × catalog items)."""
        idx, best = top_k(scores, self.top_k)
        out = []
        for i, attrs in enumerate(offers):
            cands = [self._scored(catalog, j, s) for j, s in zip(idx[i], best[i], strict=True)]
            compatible = None
            if self.guards and len(catalog.entries):
                j = best_compatible(attrs, scores[i], catalog, self.guards)
                compatible = self._scored(catalog, j, scores[i, j]) if j is not None else None
            out.append(Decision(cands, self.policy.decide(attrs, cands, compatible)))
        if self.reranker is not None and self.band is not None:
            out = self._review(catalog, texts, out, self.reranker, self.band)
        return out

    @staticmethod
    def _review(
        catalog: Catalog,
        texts: Sequence[str],
        decisions: list[Decision],
        reranker: Reranker,
        band: Band,
    ) -> list[Decision]:
        """Send matches whose cosine is inside the band to the cross-encoder, in one call."""
        unsure = [
            i
            for i, d in enumerate(decisions)
            if d.verdict.matched and band.contains(d.verdict.matched.score)
        ]
        text_of = catalog.text_by_id
        pairs = [(texts[i], text_of[decisions[i].verdict.matched.catalog_id]) for i in unsure]  # type: ignore[union-attr]
        out = list(decisions)
        for i, p in zip(unsure, reranker.probabilities(pairs), strict=True):
            d = decisions[i]
            verdict = (
                Verdict(d.verdict.matched, "rerank:match")
                if p >= band.threshold
                else Verdict(None, "rerank:no_match")
            )
            out[i] = Decision(d.candidates, verdict)
        return out

    @staticmethod
    def _scored(catalog: Catalog, j: int, score: float) -> Scored:
        entry = catalog.entries[int(j)]
        return Scored(entry.catalog_id, float(score), entry.attributes)
