"""What every encoder backend provides, and the fingerprint its vectors are stored under."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal, Protocol

import numpy as np

from matcher.encoding import models
from matcher.normalize import NORMALIZER_VERSION

Backend = Literal["torch", "onnx", "onnx-int8"]
BACKENDS: tuple[Backend, ...] = ("torch", "onnx", "onnx-int8")


class Encoder(Protocol):
    """Texts in, unit-length float32 rows out (a dot product is the cosine)."""

    path: str  # the model folder
    fingerprint: str  # namespaces the catalog's vectors: model files, backend, text form
    dim: int
    batch_size: int  # texts per forward pass (not the Kafka micro-batch)
    backend: str
    max_seq_length: int

    def encode(self, texts: Sequence[str], progress: bool = False) -> np.ndarray: ...


def fingerprint(path: str, model: str, backend: str) -> str:
    """``name-hash[-backend]-nV``: vectors of another model, backend or text form never mix.

    The normalizer's version is part of it because the catalog's vectors embed normalized text;
    the backend because an int8 model's vectors differ from fp32's.
    """
    label = model.rstrip("/").split("/")[-1]
    suffix = "" if backend == "torch" else f"-{backend}"
    return f"{models.fingerprint(path, label)}{suffix}-n{NORMALIZER_VERSION}"
