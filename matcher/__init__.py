"""offer-matcher's library: normalization, encoding, catalog, decisions, training.

Nothing here imports Kafka; ``streams`` wires this library to a broker.
"""

__version__ = "0.1.0"
