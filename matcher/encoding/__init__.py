"""Texts to vectors: where a model comes from, its fingerprint, the backends that run it
(torch, ONNX Runtime fp32 and int8) and a vector cache in front of them."""

from __future__ import annotations

from pathlib import Path

from matcher.encoding.base import BACKENDS, Backend, Encoder, namespace
from matcher.encoding.cache import CachedEncoder


def load_encoder(
    model: str,
    backend: str,
    batch_size: int,
    device: str | None = None,
    cache_dir: str | Path | None = None,
) -> Encoder:
    """The encoder for ``model`` on ``backend`` (the deployment's settings say which: they are
    the only defaults; :func:`streams.components.build_encoder`)."""
    encoder: Encoder
    if backend == "torch":
        from matcher.encoding.torch_backend import TorchEncoder

        encoder = TorchEncoder(model, device, batch_size, cache_dir)
    elif backend in ("onnx", "onnx-int8"):
        from matcher.encoding.onnx_backend import OnnxEncoder

        encoder = OnnxEncoder(model, backend == "onnx-int8", batch_size, cache_dir)
    else:
        raise ValueError(f"unknown backend {backend!r}; choose from {', '.join(BACKENDS)}")
    return encoder


__all__ = ["BACKENDS", "Backend", "CachedEncoder", "Encoder", "load_encoder", "namespace"]
