"""Training and evaluation of the bi-encoder (and the optional cross-encoder second stage)."""
