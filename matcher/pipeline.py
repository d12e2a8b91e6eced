"""The matching pipeline for a batch: normalize → encode → score → decide.

The same object serves the Kafka consumer, ``matcher match`` and the evaluations, so what is
measured offline is what runs online. Offers are read by the profile the catalog was read with
(recorded with its snapshot), and decided by that profile's decision (:class:`Decisions`).
Normalizing is per offer (:meth:`MatchPipeline.prepare`), so one offer that breaks the
normalizer is isolated before the batch's single model call.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from functools import lru_cache
from typing import Any

from matcher import profiles
from matcher.catalog.index import CatalogIndex
from matcher.decision import Decider, Decision, DecisionConfig
from matcher.decision.decider import SecondStage
from matcher.decision.search import blocking_pool
from matcher.encoding import Encoder, namespace
from matcher.events import Candidate, MatchResult, Offer
from matcher.normalize import Attributes, Normalized
from matcher.profiles import Profile
from matcher.review.answers import AnswerBook, Known
from matcher.review.items import Line
from matcher.review.memory import back_to_review, exclude, remembered, review_item


@dataclass(frozen=True)
class Prepared:
    """An offer with its normalized form, ready to be matched."""

    offer: Offer
    normalized: Normalized


@dataclass
class Decisions:
    """The decision for each profile a catalog may be read with: the model's saved decision
    resolved for that profile, the deployment's overrides on top (one Decider per profile)."""

    config: DecisionConfig
    overrides: dict[str, Any] = field(default_factory=dict)
    reranker: SecondStage | None = None
    top_k: int = 5
    dense_floor: float = 0.0  # the model's cosine floor (matcher.scoring.Scorer)
    # per profile, where ``config`` is not for it: decisions shipped for this model
    defaults: dict[str, DecisionConfig] = field(default_factory=dict)
    _made: dict[str, Decider] = field(default_factory=dict, repr=False)

    def for_profile(self, profile: Profile) -> Decider:
        found = self._made.get(profile.name)
        if found is None:
            saved = self.config
            if saved.profile != profile.name and profile.name in self.defaults:
                saved = replace(self.defaults[profile.name], reranker=saved.reranker)
            config = saved.resolve(profile).with_overrides(**self.overrides)
            found = Decider(config, profile, self.reranker, self.top_k, self.dense_floor)
            self._made[profile.name] = found
        return found


class MatchPipeline:
    """Matches batches of offers against whatever catalog ``catalog()`` returns now."""

    def __init__(
        self,
        encoder: Encoder,
        catalog: Callable[[], CatalogIndex],
        decisions: Decisions,
        answers: AnswerBook | None = None,
    ) -> None:
        self.encoder = encoder
        self.catalog = catalog
        self.decisions = decisions
        self.answers = answers  # what people said (None: no review, e.g. offline matching)
        # Called with (stage, seconds) after each stage of a batch: metrics subscribe here.
        self.observers: list[Callable[[str, float], None]] = []

    def observe(self, stage: str, seconds: float) -> None:
        """Tell every observer how long ``stage`` took."""
        for observer in self.observers:
            observer(stage, seconds)

    @staticmethod
    def profile_of(index: CatalogIndex) -> Profile:
        """The profile the catalog's listings were read with (offers are read the same way)."""
        return profiles.get(index.profile or profiles.FALLBACK)

    def decider(self, index: CatalogIndex) -> Decider:
        return self.decisions.for_profile(self.profile_of(index))

    def prepare(self, offer: Offer, index: CatalogIndex) -> Prepared:
        attributes = tuple(sorted(offer.attributes.items())) if offer.attributes else ()
        profile = self.profile_of(index)
        return Prepared(offer, _normalized(profile.name, offer.title, attributes))

    def match(self, offers: Sequence[Offer]) -> list[MatchResult]:
        """One result per offer, in order."""
        index = self.catalog()
        return self.match_prepared([self.prepare(o, index) for o in offers], index)

    def match_prepared(self, items: Sequence[Prepared], index: CatalogIndex) -> list[MatchResult]:
        """One result per prepared offer, against ``index``."""
        if not items:
            return []
        decided = self.decide(items, index)
        now = datetime.now(timezone.utc)
        model = namespace(self.encoder.fingerprint, self.profile_of(index).tag)
        return [
            _result(p.offer, text, decision, model, index.version, now)
            for p, text, decision in zip(items, decided.texts, decided.decisions, strict=True)
        ]

    def decide(self, items: Sequence[Prepared], index: CatalogIndex) -> Decided:
        """The decisions for prepared offers, with what they were made from."""
        profile = self.profile_of(index)
        decider = self.decisions.for_profile(profile)
        done = [
            profile.complete(p.normalized, p.offer.title, index.brands, index.lines) for p in items
        ]
        texts, attrs = [d.text for d in done], [d.attributes for d in done]
        lines = [Line(p.offer.supplier_id or "", p.normalized.title) for p in items]
        known = self.answers.lookup(lines) if self.answers else [Known()] * len(items)
        decided, gone = remembered(known, index)
        todo = [i for i in range(len(items)) if i not in decided]
        t0 = t1 = t2 = time.perf_counter()
        if todo:
            some = [texts[i] for i in todo]
            pools = (
                None
                if index.exact
                else [blocking_pool(attrs[i], index, profile.blocking) for i in todo]
            )
            vectors = self.encoder.encode(some)
            t1 = time.perf_counter()
            candidates = [
                exclude(c, index.rows_of(sorted(known[i].rejected))) if known[i].rejected else c
                for i, c in zip(
                    todo, index.search(vectors, decider.scorer, some, pools), strict=True
                )
            ]
            t2 = time.perf_counter()
            made = decider.decide(index, [attrs[i] for i in todo], some, candidates)
            decided.update(zip(todo, made, strict=True))
        if gone and self.answers is not None:
            self.answers.forget(lines[i] for i in gone)
        decisions = [
            back_to_review(decided[i]) if i in gone else decided[i] for i in range(len(items))
        ]
        t3 = time.perf_counter()
        for stage, seconds in (("encode", t1 - t0), ("search", t2 - t1), ("decide", t3 - t2)):
            self.observe(stage, seconds)
        if self.answers is not None:
            model = namespace(self.encoder.fingerprint, profile.tag)
            unsure = [
                review_item(
                    p.offer.offer_id, p.offer.supplier_id or "", p.offer.title, text,
                    p.normalized.title, a, d, index, decider.guards, model,
                )
                for p, text, a, d in zip(items, texts, attrs, decisions, strict=True)
                if d.verdict.review
            ]  # fmt: skip
            self.answers.enqueue(unsure)
        return Decided(decider, texts, attrs, decisions)


@dataclass(frozen=True)
class Decided:
    """A batch's decisions and what they were made from (the lab fits the decision on them)."""

    decider: Decider
    texts: list[str]
    attributes: list[Attributes]
    decisions: list[Decision]


@lru_cache(maxsize=65536)
def _normalized(profile: str, title: str, attributes: tuple[tuple[str, object], ...]) -> Normalized:
    """Normalizing is pure: a re-sent price list pays for it once (values are hashable scalars)."""
    return profiles.get(profile).normalize(title, dict(attributes))


def _result(
    offer: Offer, text: str, decision: Decision, model: str, version: int, now: datetime
) -> MatchResult:
    verdict = decision.verdict
    matched = verdict.matched
    best = matched or verdict.proposed or (decision.candidates[0] if decision.candidates else None)
    return MatchResult(
        offer_id=offer.offer_id,
        supplier_id=offer.supplier_id,
        decision="review" if verdict.review else "match" if matched else "no_match",
        catalog_id=matched.catalog_id if matched else None,
        proposed_catalog_id=verdict.proposed.catalog_id if verdict.proposed else None,
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
