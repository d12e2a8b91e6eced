"""Synthetic supplier-phone market for the demo, the tests and the seed-domain evaluation."""

from matcher.lab.datagen.generator import Market, build_market, write, write_title

__all__ = ["Market", "build_market", "write", "write_title"]
