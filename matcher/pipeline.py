"""The matching pipeline for a batch: normalize → encode → score → decide.

The same object serves the Kafka consumer, ``matcher match`` and the evaluations, so what is
measured offline is what runs online.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, timezone

from matcher.catalog.index import CatalogIndex
from matcher.decision import Decider, Decision
from matcher.encoding import Encoder
from matcher.events import Candidate, MatchResult, Offer
from matcher.normalize import normalize


class MatchPipeline:
    """Matches batches of offers against whatever catalog ``catalog()`` returns now."""

    def __init__(
        self, encoder: Encoder, catalog: Callable[[], CatalogIndex], decider: Decider
    ) -> None:
        self.encoder = encoder
        self.catalog = catalog
        self.decider = decider

    def match(self, offers: Sequence[Offer]) -> list[MatchResult]:
        """One result per offer, in order."""
        if not offers:
            return []
        index = self.catalog()
        normalized = [normalize(o.title, o.attributes) for o in offers]
        texts = [n.text for n in normalized]
        scores = index.scores(self.encoder.encode(texts))
        decisions = self.decider.decide(index, [n.attributes for n in normalized], texts, scores)
        now = datetime.now(timezone.utc)
        return [
            _result(offer, text, decision, self.encoder.fingerprint, index.version, now)
            for offer, text, decision in zip(offers, texts, decisions, strict=True)
        ]


def _result(
    offer: Offer, text: str, decision: Decision, model: str, version: int, now: datetime
) -> MatchResult:
    matched = decision.verdict.matched
    best = matched or (decision.candidates[0] if decision.candidates else None)
    return MatchResult(
        offer_id=offer.offer_id,
        supplier_id=offer.supplier_id,
        decision="match" if matched else "no_match",
        catalog_id=matched.catalog_id if matched else None,
        score=round(best.score, 6) if best else None,
        candidates=[
            Candidate(catalog_id=c.catalog_id, score=round(c.score, 6)) for c in decision.candidates
        ],
        reason=decision.verdict.reason,
        normalized=text,
        model=model,
        catalog_version=version,
        processed_at=now,
    )
