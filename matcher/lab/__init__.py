"""The ML tooling (the ``[train]`` extra): labelled pairs, metrics, training, evaluation and the
synthetic data generator. It imports the serving core; the core never imports it."""
