"""The matching pipeline for a batch: normalize → encode → search → decide.

The same object serves the Kafka consumer, ``matcher match`` and the evaluations, so what is
measured offline is what runs online. Normalizing is per offer (:meth:`MatchPipeline.prepare`),
so one offer that breaks the normalizer is isolated before the batch's single model call.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from functools import lru_cache

from matcher.catalog.index import CatalogIndex
from matcher.decision import Decider, Decision
from matcher.decision.search import blocking_pool
from matcher.encoding import Encoder, namespace
from matcher.events import Candidate, MatchResult, Offer
from matcher.normalize import Normalized, get_profile, normalize


@dataclass(frozen=True)
class Prepared:
    """An offer with its normalized form, ready to be matched."""

    offer: Offer
    normalized: Normalized


class MatchPipeline:
    """Matches batches of offers against whatever catalog ``catalog()`` returns now."""

    def __init__(
        self,
        encoder: Encoder,
        catalog: Callable[[], CatalogIndex],
        decider: Decider,
        observe: Callable[[str, float], None] | None = None,
    ) -> None:
        self.encoder = encoder
        self.catalog = catalog
        self.decider = decider
        self.observe = observe or (lambda stage, seconds: None)  # stage timings, for metrics
        self.profile = get_profile(decider.config.profile)
        self.namespace = namespace(encoder.fingerprint, self.profile.tag)

    def prepare(self, offer: Offer) -> Prepared:
        attributes = tuple(sorted(offer.attributes.items())) if offer.attributes else ()
        return Prepared(offer, _normalized(self.profile.name, offer.title, attributes))

    def match(self, offers: Sequence[Offer]) -> list[MatchResult]:
        """One result per offer, in order."""
        return self.match_prepared([self.prepare(o) for o in offers])

    def match_prepared(
        self, items: Sequence[Prepared], index: CatalogIndex | None = None
    ) -> list[MatchResult]:
        """One result per prepared offer, against ``index`` (default: the current catalog)."""
        if not items:
            return []
        index = index if index is not None else self.catalog()
        texts = [p.normalized.text for p in items]
        attrs = [p.normalized.attributes for p in items]
        if self.profile.catalog_brands and index.brands:
            attrs = [
                a if a.brand else replace(a, brand=index.brands.find(p.offer.title))
                for p, a in zip(items, attrs, strict=True)
            ]
        pools = None if index.exact else [blocking_pool(a, index) for a in attrs]
        t0 = time.perf_counter()
        vectors = self.encoder.encode(texts)
        t1 = time.perf_counter()
        candidates = index.search(vectors, pools, texts, self.decider.config.fusion)
        t2 = time.perf_counter()
        decisions = self.decider.decide(index, attrs, texts, candidates)
        t3 = time.perf_counter()
        for stage, seconds in (("encode", t1 - t0), ("search", t2 - t1), ("decide", t3 - t2)):
            self.observe(stage, seconds)
        now = datetime.now(timezone.utc)
        return [
            _result(p.offer, text, decision, self.namespace, index.version, now)
            for p, text, decision in zip(items, texts, decisions, strict=True)
        ]


@lru_cache(maxsize=65536)
def _normalized(profile: str, title: str, attributes: tuple[tuple[str, object], ...]) -> Normalized:
    """Normalizing is pure: a re-sent price list pays for it once (values are hashable scalars)."""
    return normalize(title, dict(attributes), profile)


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
