"""offer-matcher's library: the serving core and, under ``matcher.lab``, the ML tooling.

Serving core (what a consumer imports): ``normalize``, ``encoding``, ``catalog``, ``decision``,
``pipeline``, ``batch``, ``events``, ``validation``. ML tooling (``matcher.lab``, the ``[train]``
extra): training, evaluation and the synthetic data generator; it imports the core, never the
other way round. Nothing here imports Kafka; ``streams`` wires this library to a broker.
"""

__version__ = "0.2.0"
