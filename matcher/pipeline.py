"""The matching pipeline for a batch: normalize → one model call → top-k → decide.

The same object serves the Kafka consumer, ``matcher match`` and the evaluations, so what is
measured offline is what runs online.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import datetime, timezone

import numpy as np

from matcher.catalog.index import CatalogIndex, top_k
from matcher.decision import DecisionPolicy, Scored, Verdict
from matcher.decision.guards import allowed
from matcher.encoder import Encoder
from matcher.events import Candidate, MatchResult, Offer
from matcher.normalize import normalize
from matcher.rerank import Reranker


class MatchPipeline:
    """Matches batches of offers against whatever catalog ``catalog()`` returns now."""

    def __init__(
        self,
        encoder: Encoder,
        catalog: Callable[[], CatalogIndex],
        policy: DecisionPolicy,
        top_k: int = 5,
        reranker: Reranker | None = None,
    ) -> None:
        self.encoder = encoder
        self.catalog = catalog
        self.top_k = top_k
        self.reranker = reranker
        # With a reranker, everything from the band's low edge up is a match candidate.
        self.policy = replace(policy, threshold=reranker.band.low) if reranker else policy

    def match(self, offers: Sequence[Offer]) -> list[MatchResult]:
        """One result per offer, in order."""
        if not offers:
            return []
        index = self.catalog()
        normalized = [normalize(o.title, o.attributes) for o in offers]
        vectors = self.encoder.encode([n.text for n in normalized])
        full = index.scores(vectors)
        idx, scores = top_k(full, self.top_k)
        now = datetime.now(timezone.utc)
        verdicts = []
        for i, norm in enumerate(normalized):
            cands = [self._scored(index, j, s) for j, s in zip(idx[i], scores[i], strict=True)]
            compatible = None
            if self.policy.guards and len(index):
                masked = np.where(allowed(norm.attributes, index.columns), full[i], -np.inf)
                j = int(np.argmax(masked))
                compatible = self._scored(index, j, masked[j]) if np.isfinite(masked[j]) else None
            verdicts.append((cands, self.policy.decide(norm.attributes, cands, compatible)))
        if self.reranker is not None:
            verdicts = self._rerank([n.text for n in normalized], verdicts, index)
        results = []
        for offer, norm, (cands, verdict) in zip(offers, normalized, verdicts, strict=True):
            results.append(
                MatchResult(
                    offer_id=offer.offer_id,
                    supplier_id=offer.supplier_id,
                    decision="match" if verdict.matched else "no_match",
                    catalog_id=verdict.matched.catalog_id if verdict.matched else None,
                    score=_score(verdict.matched, cands),
                    candidates=[
                        Candidate(catalog_id=c.catalog_id, score=round(c.score, 6)) for c in cands
                    ],
                    reason=verdict.reason,
                    normalized=norm.text,
                    model=self.encoder.fingerprint,
                    catalog_version=index.version,
                    processed_at=now,
                )
            )
        return results

    def _rerank(
        self, texts: list[str], verdicts: list[tuple[list[Scored], Verdict]], index: CatalogIndex
    ) -> list[tuple[list[Scored], Verdict]]:
        """Send matches whose cosine is inside the band to the cross-encoder, in one call."""
        assert self.reranker is not None
        band = self.reranker.band
        text_of = index.text_by_id
        unsure = [
            (i, v.matched.catalog_id)
            for i, (_, v) in enumerate(verdicts)
            if v.matched and band.contains(v.matched.score)
        ]
        pairs = [(texts[i], text_of[cid]) for i, cid in unsure]
        out = list(verdicts)
        for (i, _), p in zip(unsure, self.reranker.probabilities(pairs), strict=True):
            cands, v = verdicts[i]
            out[i] = (
                cands,
                Verdict(v.matched, "rerank:match")
                if p >= band.threshold
                else Verdict(None, "rerank:no_match"),
            )
        return out

    @staticmethod
    def _scored(index: CatalogIndex, j: int, score: float) -> Scored:
        entry = index.entries[j]
        return Scored(entry.catalog_id, float(score), entry.attributes)


def _score(matched: Scored | None, cands: Sequence[Scored]) -> float | None:
    """The matched candidate's cosine, else the best candidate's."""
    best = matched or (cands[0] if cands else None)
    return round(best.score, 6) if best else None
