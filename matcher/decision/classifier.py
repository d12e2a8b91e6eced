"""The learned decision: a small tree ensemble over cheap pair features decides match or not.

A threshold on one score cannot weigh "the codes agree" against "the cosine is 0.02 lower"; a
few shallow boosted trees can. They are trained by ``matcher train`` (scikit-learn, in the
``[train]`` extra) and stored as plain arrays inside the decision config, so serving needs only
numpy and the decision stays one saved object. Features (:data:`FEATURES`) are computed the same
way for a labelled pair offline and for an offer and its best candidate online.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from matcher.normalize import Attributes, codes

FEATURES = (
    "score",  # the fused score: (1 - w) · cosine + w · lexical cosine
    "lexical",  # character n-gram TF-IDF cosine
    "numbers_shared",  # Jaccard of the numbers both texts state
    "numbers_clash",  # both state numbers, none in common
    "code_match",  # a code in common
    "code_clash",  # codes of one numbering, none in common
    "length_ratio",  # shorter text length / longer
)
_NUMBER = re.compile(r"\d+(?:[.,]\d+)?")


def pair_features(
    score: float, lexical: float, left: str, right: str, a: Attributes, b: Attributes
) -> np.ndarray:
    """One row of :data:`FEATURES` for a pair of normalized texts and their attributes."""
    na, nb = set(_NUMBER.findall(left)), set(_NUMBER.findall(right))
    union = na | nb
    shared = len(na & nb) / len(union) if union else 0.0
    clash = float(bool(na) and bool(nb) and not (na & nb))
    ca, cb = set(a.many("codes")), set(b.many("codes"))
    match = float(bool(ca & cb))
    families = {codes.family(c) for c in ca} & {codes.family(c) for c in cb}
    code_clash = float(
        any(
            not ({c for c in ca if codes.family(c) == f} & {c for c in cb if codes.family(c) == f})
            for f in families
        )
    )
    lengths = sorted((len(left), len(right)))
    ratio = lengths[0] / lengths[1] if lengths[1] else 1.0
    return np.array([score, lexical, shared, clash, match, code_clash, ratio], dtype=np.float64)


@dataclass(frozen=True)
class TreeEnsemble:
    """Gradient-boosted regression trees on the log-odds, as flat arrays per tree."""

    init: float
    learning_rate: float
    trees: tuple[dict[str, list[Any]], ...]  # feature, threshold, left, right, value (per node)
    threshold: float = 0.5  # probability at or above which a pair is a match
    features: tuple[str, ...] = FEATURES
    review_from: float | None = None  # [review_from, threshold): unsure (None: a band around it)

    def probabilities(self, rows: np.ndarray) -> np.ndarray:
        x = np.atleast_2d(np.asarray(rows, dtype=np.float64))
        logit = np.full(len(x), self.init)
        for tree in self.trees:
            feature = np.asarray(tree["feature"])
            cut = np.asarray(tree["threshold"])
            left, right = np.asarray(tree["left"]), np.asarray(tree["right"])
            value = np.asarray(tree["value"], dtype=np.float64)
            node = np.zeros(len(x), dtype=np.int64)
            while True:
                inner = left[node] >= 0
                if not inner.any():
                    break
                at = np.flatnonzero(inner)
                go_left = x[at, feature[node[at]]] <= cut[node[at]]
                node[at] = np.where(go_left, left[node[at]], right[node[at]])
            logit += self.learning_rate * value[node]
        return 1.0 / (1.0 + np.exp(-logit))

    def to_dict(self) -> dict[str, Any]:
        return {
            "init": self.init,
            "learning_rate": self.learning_rate,
            "trees": list(self.trees),
            "threshold": self.threshold,
            "features": list(self.features),
            **({} if self.review_from is None else {"review_from": self.review_from}),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any], known: Sequence[str] = FEATURES) -> TreeEnsemble:
        features = tuple(data.get("features", FEATURES))
        unknown = [f for f in features if f not in known]
        if unknown:
            raise ValueError(f"classifier was trained on features {unknown} this code lacks")
        return cls(
            float(data["init"]),
            float(data["learning_rate"]),
            tuple(data["trees"]),
            float(data.get("threshold", 0.5)),
            features,
            None if data.get("review_from") is None else float(data["review_from"]),
        )


def fit(
    rows: np.ndarray,
    labels: Sequence[float],
    seed: int = 42,
    features: Sequence[str] = FEATURES,
) -> TreeEnsemble:
    """Fit the ensemble with scikit-learn (the ``[train]`` extra) and keep only its arrays."""
    from sklearn.ensemble import GradientBoostingClassifier

    model = GradientBoostingClassifier(
        n_estimators=150, max_depth=3, learning_rate=0.1, subsample=0.8, random_state=seed
    )
    y = (np.asarray(labels) >= 0.5).astype(int)
    prior = float(np.clip(y.mean(), 1e-6, 1 - 1e-6)) if len(y) else 0.5
    if len(set(y.tolist())) < 2:  # one class only: the prior is all there is to learn
        return TreeEnsemble(float(np.log(prior / (1 - prior))), 0.0, (), features=tuple(features))
    model.fit(rows, y)
    trees: list[dict[str, list[Any]]] = []
    for (est,) in model.estimators_:
        t = est.tree_
        trees.append(
            {
                "feature": [int(f) if f >= 0 else 0 for f in t.feature],
                "threshold": [float(v) for v in t.threshold],
                "left": [int(v) for v in t.children_left],
                "right": [int(v) for v in t.children_right],
                "value": [float(v) for v in t.value[:, 0, 0]],
            }
        )
    return TreeEnsemble(
        float(np.log(prior / (1 - prior))),
        float(model.learning_rate),
        tuple(trees),
        features=tuple(features),
    )
