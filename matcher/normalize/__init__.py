"""Listing normalization: colours, memory, SIM, network, regions and brand aliases."""

from matcher.normalize.normalizer import NORMALIZER_VERSION, Attributes, Normalized, normalize

__all__ = ["NORMALIZER_VERSION", "Attributes", "Normalized", "normalize"]
