"""What every encoder backend provides, and the fingerprint its vectors are stored under."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal, Protocol

import numpy as np

from matcher.encoding import models

Backend = Literal["torch", "onnx", "onnx-int8"]
BACKENDS: tuple[Backend, ...] = ("torch", "onnx", "onnx-int8")


class Encoder(Protocol):
    """Texts in, unit-length float32 rows out (a dot product is the cosine)."""

    path: str  # the model folder
    fingerprint: str  # namespaces the catalog's vectors: model files, backend, text form

    @property
    def dim(self) -> int:
        """The vectors' width."""

    batch_size: int  # texts per forward pass (not the Kafka micro-batch)
    backend: str
    max_seq_length: int

    def encode(self, texts: Sequence[str], progress: bool = False) -> np.ndarray: ...

    def load(self) -> None:
        """Have the model in memory now, not at the first ``encode``."""


def fingerprint(path: str, model: str, backend: str) -> str:
    """``name-hash[-backend]``: the vectors of another model or backend never mix (an int8
    model's vectors differ from fp32's). The catalog namespace adds the profile (:func:`namespace`)."""
    label = model.rstrip("/").split("/")[-1]
    suffix = "" if backend == "torch" else f"-{backend}"
    return f"{models.fingerprint(path, label)}{suffix}"


def namespace(encoder_fingerprint: str, profile_tag: str) -> str:
    """Where a catalog's vectors live: model, backend, and the profile whose text they embed."""
    return f"{encoder_fingerprint}-{profile_tag}"
