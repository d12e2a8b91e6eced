"""Synthetic supplier-phone market for the demo, the tests and the seed-domain evaluation."""

from matcher.datagen.generator import Market, build_market, noisy_title, write

__all__ = ["Market", "build_market", "noisy_title", "write"]
