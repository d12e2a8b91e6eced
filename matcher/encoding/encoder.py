"""The bi-encoder: texts in, unit-length float32 vectors out, one model call per batch."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from matcher.encoding import models
from matcher.normalize import NORMALIZER_VERSION


class Encoder:
    """A sentence-transformers model and the fingerprint its vectors are stored under.

    ``batch_size`` is the model's own batch (how many texts one forward pass takes), which is
    not the Kafka micro-batch: a micro-batch of 256 offers is encoded in model batches of 64.
    """

    def __init__(
        self,
        model: str,
        device: str | None = None,
        batch_size: int = 64,
        cache_dir: str | Path | None = None,
    ) -> None:
        from sentence_transformers import SentenceTransformer

        self.path = models.resolve(model, cache_dir)
        self.model = SentenceTransformer(self.path, device=device)
        self.batch_size = batch_size
        # The normalizer's version is part of the fingerprint: the catalog's vectors in Redis
        # embed normalized text, so a new text form means new vectors.
        label = model.rstrip("/").split("/")[-1]
        self.fingerprint = f"{models.fingerprint(self.path, label)}-n{NORMALIZER_VERSION}"
        get_dim = (
            getattr(self.model, "get_embedding_dimension", None)
            or self.model.get_sentence_embedding_dimension
        )
        dim = get_dim()
        self.dim = int(dim) if dim else int(self.encode(["probe"]).shape[1])

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
