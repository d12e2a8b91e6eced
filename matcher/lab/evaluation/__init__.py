"""Measuring the matcher: pair metrics, retrieval, and end-to-end offer decisions."""
