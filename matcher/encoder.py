"""The bi-encoder: texts in, unit-length float32 vectors out, one model call per batch."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from matcher import models
from matcher.normalize import NORMALIZER_VERSION


class Encoder:
    """A sentence-transformers model with its fingerprint and calibrated threshold."""

    def __init__(self, model: str, device: str | None = None, batch_size: int = 64) -> None:
        from sentence_transformers import SentenceTransformer

        self.source = model
        self.path = models.resolve(model)
        self.model = SentenceTransformer(self.path, device=device)
        self.batch_size = batch_size
        self.meta = models.read_meta(self.path)
        # The normalizer's version is part of the fingerprint: the catalog's vectors in Redis
        # embed normalized text, so a new text form means new vectors.
        self.fingerprint = (
            f"{models.fingerprint(self.path, self._label(model))}-n{NORMALIZER_VERSION}"
        )
        get_dim = (
            getattr(self.model, "get_embedding_dimension", None)
            or self.model.get_sentence_embedding_dimension
        )
        dim = get_dim()
        self.dim = int(dim) if dim else int(self.encode(["probe"]).shape[1])

    @staticmethod
    def _label(model: str) -> str:
        return model.rstrip("/").split("/")[-1]

    @property
    def calibrated_threshold(self) -> float | None:
        """The threshold chosen on a validation split when the model was trained, if any."""
        value = self.meta.get("threshold")
        return float(value) if isinstance(value, (int, float)) else None

    def encode(self, texts: Sequence[str], progress: bool = False) -> np.ndarray:
        """Embed texts; rows are L2-normalised so a dot product is the cosine."""
        if not texts:
            return np.zeros((0, getattr(self, "dim", 0)), dtype=np.float32)
        vectors = self.model.encode(
            list(texts),
            batch_size=self.batch_size,
            show_progress_bar=progress,
            convert_to_numpy=True,
            normalize_embeddings=True,
        )
        return np.asarray(vectors, dtype=np.float32)
