"""Small stand-ins for unit tests (integration tests use the real things)."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import numpy as np

from matcher.events import MatchResult, Offer


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
