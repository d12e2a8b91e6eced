"""Small stand-ins for unit tests (integration tests use the real things)."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence

import numpy as np

from matcher.catalog.index import CatalogIndex
from matcher.events import MatchResult, Offer
from matcher.normalize import normalize
from matcher.pipeline import Prepared


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
        self.index = CatalogIndex.from_items([], [], [], np.zeros((0, 4), dtype=np.float32))

    def catalog(self) -> CatalogIndex:
        return self.index

    def observe(self, stage: str, seconds: float) -> None:
        pass

    def prepare(self, offer: Offer) -> Prepared:
        return Prepared(offer, normalize(offer.title, offer.attributes))

    def match_prepared(
        self, items: Sequence[Prepared], index: CatalogIndex | None = None
    ) -> list[MatchResult]:
        return self.match([p.offer for p in items])
