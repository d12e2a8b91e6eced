"""Texts to vectors: where a model comes from, its fingerprint, and the encoder that runs it."""

from matcher.encoding.encoder import Encoder

__all__ = ["Encoder"]
