"""Training the bi-encoder (and the optional cross-encoder second stage)."""
