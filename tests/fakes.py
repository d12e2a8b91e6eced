"""Small stand-ins for unit tests (integration tests use the real things)."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from matcher import profiles
from matcher.batch import BatchMatcher
from matcher.catalog.index import CatalogIndex
from matcher.catalog.ingest import reading
from matcher.events import MatchResult, Offer
from matcher.pipeline import Prepared
from matcher.validation import Limits

GENERIC = profiles.get("generic")
# The settings' defaults (streams.settings), for tests of the library alone.
LIMITS = Limits(
    max_event_bytes=65536, max_title_chars=512, max_field_chars=1024, max_attributes=64, max_depth=4
)


def batch_matcher(pipeline: object, **kw: object) -> BatchMatcher:
    """The batch path around ``pipeline`` with the default limits."""
    return BatchMatcher(pipeline, LIMITS, **kw)  # type: ignore[arg-type]


def fake_match(offers: Sequence[Offer]) -> list[MatchResult]:
    """A pipeline stand-in: every offer comes out no_match."""
    return [
        MatchResult(
            offer_id=o.offer_id,
            decision="no_match",
            reason="below_threshold",
            normalized=o.title,
            model="m",
            catalog_version=1,
        )
        for o in offers
    ]


class HashEncoder:
    """Deterministic bag-of-words vectors: equal texts embed equally, no model needed."""

    fingerprint = "hash-encoder"
    dim = 64

    def __init__(self) -> None:
        self.calls: list[int] = []

    def load(self) -> None:
        """Nothing to load."""

    def encode(self, texts: Sequence[str], progress: bool = False) -> np.ndarray:
        self.calls.append(len(texts))
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for i, text in enumerate(texts):
            for word in text.split():
                h = int(hashlib.md5(word.encode()).hexdigest(), 16)
                out[i, h % self.dim] += 1.0
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return out / np.where(norms == 0, 1, norms)


class FakePipeline:
    """What the batch path needs of a pipeline, around a plain ``match`` function."""

    def __init__(self, match: Callable[[Sequence[Offer]], list[MatchResult]] = fake_match) -> None:
        self.match = match
        self.observers: list[Callable[[str, float], None]] = []
        self.index = CatalogIndex.from_items(
            [], [], [], np.zeros((0, 4), dtype=np.float32), reading(GENERIC), GENERIC.schema
        )

    def catalog(self) -> CatalogIndex:
        return self.index

    def observe(self, stage: str, seconds: float) -> None:
        pass

    def prepare(self, offer: Offer, index: CatalogIndex) -> Prepared:
        return Prepared(offer, GENERIC.normalize(offer.title, offer.attributes))

    def match_prepared(self, items: Sequence[Prepared], index: CatalogIndex) -> list[MatchResult]:
        return self.match([p.offer for p in items])


class Read:
    """Attribute-style reading of :class:`Attributes` in assertions (unknown: None)."""

    def __init__(self, attributes: Mapping[str, object]) -> None:
        self._attributes = attributes

    def __getattr__(self, name: str) -> Any:
        value = self._attributes.get(name)
        return value


@dataclass(frozen=True)
class Listing:
    """A normalized listing for assertions: title, text, and its attributes as :class:`Read`."""

    title: str
    text: str
    attributes: Read


def read(profile: str, title: str, attributes: Mapping[str, object] | None = None) -> Listing:
    n = profiles.get(profile).normalize(title, attributes)
    return Listing(n.title, n.text, Read(n.attributes))
