"""The score of an offer against a catalog item: one formula, used by the service and the lab.

``score = (1 - w) · dense + w · lexical``, where ``dense`` is the model's cosine rescaled by the
model's floor (``(cos - floor) / (1 - floor)``: a model whose unrelated texts sit at cosine 0.8
is put on the same scale as one whose unrelated texts sit near 0) and ``lexical`` is the
character n-gram TF-IDF cosine (:mod:`matcher.catalog.lexical`). The pipeline owns one
:class:`Scorer` per decision; ``matcher train``, ``matcher eval`` and ``matcher bench`` score
pairs through the same object, so a threshold means the same thing everywhere.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Scorer:
    """The hybrid score with lexical weight ``lexical_weight`` and the model's cosine floor."""

    lexical_weight: float
    dense_floor: float = 0.0

    def __post_init__(self) -> None:
        if not 0.0 <= self.lexical_weight <= 1.0:
            raise ValueError(f"lexical weight {self.lexical_weight} is not in [0, 1]")
        if not 0.0 <= self.dense_floor < 1.0:
            raise ValueError(f"dense floor {self.dense_floor} is not in [0, 1)")

    @property
    def uses_lexical(self) -> bool:
        return self.lexical_weight > 0

    def dense(self, cosines: np.ndarray) -> np.ndarray:
        """The model's cosines on this scorer's scale (unchanged with floor 0)."""
        c = np.asarray(cosines, dtype=np.float32)
        if self.dense_floor == 0.0:
            return c
        return np.asarray((c - self.dense_floor) / (1.0 - self.dense_floor), dtype=np.float32)

    def combine(self, cosines: np.ndarray, lexical: np.ndarray | None) -> np.ndarray:
        """The score from the model's cosines and (with a lexical weight) the lexical cosines."""
        dense = self.dense(cosines)
        if not self.uses_lexical or lexical is None:
            return dense
        w = np.float32(self.lexical_weight)
        return np.asarray((1 - w) * dense + w * np.asarray(lexical, np.float32), np.float32)
