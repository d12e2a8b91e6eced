"""The torch backend: a sentence-transformers model, exactly as trained."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np

from matcher.encoding import models
from matcher.encoding.base import fingerprint


class TorchEncoder:
    """A sentence-transformers model; its ``encode`` sorts a call's texts by length itself.

    The model is loaded on first use (:meth:`load`): ``matcher catalog status``, ``catalog
    delete`` or ``reviews export`` need only the fingerprint and dimension, read from the folder,
    and answer in a second instead of the ten that importing torch and the weights take."""

    backend = "torch"

    def __init__(
        self,
        model: str,
        device: str | None,
        batch_size: int,
        cache_dir: str | Path | None = None,
    ) -> None:
        self.path = models.resolve(model, cache_dir)
        self.device = device
        self.batch_size = batch_size
        self.fingerprint = fingerprint(self.path, model, self.backend)

    @cached_property
    def model(self) -> Any:
        from sentence_transformers import SentenceTransformer

        return SentenceTransformer(self.path, device=self.device)

    def load(self) -> None:
        """Load the model now (a consumer does, before it takes its first batch)."""
        _ = self.model

    @cached_property
    def dim(self) -> int:
        stated = models.stated_dim(self.path)
        if stated:
            return stated
        get_dim = (
            getattr(self.model, "get_embedding_dimension", None)
            or self.model.get_sentence_embedding_dimension
        )
        dim = get_dim()
        return int(dim) if dim else int(self.encode(["probe"]).shape[1])

    @property
    def max_seq_length(self) -> int:
        return int(self.model.max_seq_length or 0)

    @max_seq_length.setter
    def max_seq_length(self, value: int) -> None:
        self.model.max_seq_length = value

    def encode(self, texts: Sequence[str], progress: bool = False) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        vectors = self.model.encode(
            list(texts),
            batch_size=self.batch_size,
            show_progress_bar=progress,
            convert_to_numpy=True,
            normalize_embeddings=True,
        )
        return np.asarray(vectors, dtype=np.float32)
