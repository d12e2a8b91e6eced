"""Texts to vectors: where a model comes from, its fingerprint, the backends that run it
(torch, ONNX Runtime fp32 and int8) and a vector cache in front of them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from matcher.encoding.base import BACKENDS, Backend, Encoder, namespace
from matcher.encoding.cache import CachedEncoder


def load_encoder(
    model: str,
    backend: str = "torch",
    device: str | None = None,
    batch_size: int = 64,
    cache_dir: str | Path | None = None,
    cache_size: int = 0,
    shared_cache: Any | None = None,
) -> Encoder:
    """The encoder for ``model`` on ``backend``; with ``cache_size`` (and a Redis client for a
    shared cache), behind a vector cache."""
    encoder: Encoder
    if backend == "torch":
        from matcher.encoding.torch_backend import TorchEncoder

        encoder = TorchEncoder(model, device, batch_size, cache_dir)
    elif backend in ("onnx", "onnx-int8"):
        from matcher.encoding.onnx_backend import OnnxEncoder

        encoder = OnnxEncoder(model, backend == "onnx-int8", batch_size, cache_dir)
    else:
        raise ValueError(f"unknown backend {backend!r}; choose from {', '.join(BACKENDS)}")
    if cache_size > 0:
        return CachedEncoder(encoder, cache_size, shared_cache)
    return encoder


__all__ = ["BACKENDS", "Backend", "CachedEncoder", "Encoder", "load_encoder", "namespace"]
