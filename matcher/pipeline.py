"""The matching pipeline for a batch: normalize → one model call → top-k → decide.

The same object serves the Kafka consumer, ``matcher match`` and the evaluations, so what is
measured offline is what runs online.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, timezone

from matcher.catalog.index import CatalogIndex
from matcher.decision import DecisionPolicy, Scored
from matcher.encoder import Encoder
from matcher.events import Candidate, MatchResult, Offer
from matcher.normalize import normalize


class MatchPipeline:
    """Matches batches of offers against whatever catalog ``catalog()`` returns now."""

    def __init__(
        self,
        encoder: Encoder,
        catalog: Callable[[], CatalogIndex],
        policy: DecisionPolicy,
        top_k: int = 5,
    ) -> None:
        self.encoder = encoder
        self.catalog = catalog
        self.policy = policy
        self.top_k = top_k

    def match(self, offers: Sequence[Offer]) -> list[MatchResult]:
        """One result per offer, in order."""
        if not offers:
            return []
        index = self.catalog()
        normalized = [normalize(o.title, o.attributes) for o in offers]
        vectors = self.encoder.encode([n.text for n in normalized])
        idx, scores = index.top_k(vectors, self.top_k)
        now = datetime.now(timezone.utc)
        results = []
        for i, (offer, norm) in enumerate(zip(offers, normalized, strict=True)):
            cands = [
                Scored(index.entries[j].catalog_id, float(s), index.entries[j].attributes)
                for j, s in zip(idx[i], scores[i], strict=True)
            ]
            verdict = self.policy.decide(norm.attributes, cands)
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


def _score(matched: Scored | None, cands: Sequence[Scored]) -> float | None:
    """The matched candidate's cosine, else the best candidate's."""
    best = matched or (cands[0] if cands else None)
    return round(best.score, 6) if best else None
