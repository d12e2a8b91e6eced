"""The learned decision: trees fitted by scikit-learn, served by numpy, saved with the model."""

from __future__ import annotations

import numpy as np
from sklearn.ensemble import GradientBoostingClassifier

from matcher.catalog.index import CatalogIndex
from matcher.catalog.ingest import reading
from matcher.decision import Decider, DecisionConfig
from matcher.decision.classifier import FEATURES, TreeEnsemble, fit, pair_features
from matcher.normalize import Normalized
from matcher.profiles import get

GENERIC = get("generic")


def normalize(title: str) -> Normalized:
    return GENERIC.normalize(title)


def _data(n: int = 600, seed: int = 3) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    x = rng.random((n, len(FEATURES)))
    y = ((x[:, 0] > 0.6) & (x[:, 5] < 0.5)) | (x[:, 4] > 0.9)  # a score and a code rule
    return x, y.astype(float)


def test_served_trees_give_what_scikit_learn_gives() -> None:
    x, y = _data()
    model = fit(x, y)
    ref = GradientBoostingClassifier(
        n_estimators=150, max_depth=3, learning_rate=0.1, subsample=0.8, random_state=42
    ).fit(x, y.astype(int))
    assert np.allclose(model.probabilities(x), ref.predict_proba(x)[:, 1], atol=1e-6)
    again = TreeEnsemble.from_dict(model.to_dict())
    assert np.array_equal(again.probabilities(x[:50]), model.probabilities(x[:50]))
    assert ((model.probabilities(x) >= 0.5) == (y >= 0.5)).mean() > 0.95


def test_pair_features_read_codes_and_numbers() -> None:
    a = normalize("Кабель 3x1,5 50 м (арт. KL0063)")
    b = normalize("Кабель 3х1,5 50 м KL0063")
    c = normalize("Кабель 3х1,5 50 м KL0064")
    same = dict(
        zip(
            FEATURES,
            pair_features(0.9, 0.8, a.text, b.text, a.attributes, b.attributes),
            strict=True,
        )
    )
    other = dict(
        zip(
            FEATURES,
            pair_features(0.9, 0.8, a.text, c.text, a.attributes, c.attributes),
            strict=True,
        )
    )
    assert (same["code_match"], same["code_clash"]) == (1.0, 0.0)
    assert (other["code_match"], other["code_clash"]) == (0.0, 1.0)
    assert same["numbers_shared"] > other["numbers_shared"]


def test_the_learned_decision_is_saved_with_the_model_and_decides(tmp_path) -> None:  # type: ignore[no-untyped-def]
    # Trees that match only where the codes agree, whatever the score.
    x, _ = _data()
    x[:, 4] = np.arange(len(x)) % 2
    model = fit(x, x[:, 4])
    config = DecisionConfig(threshold=0.1, classifier=model.to_dict())
    config.save(tmp_path)
    loaded = DecisionConfig.load(tmp_path)
    assert loaded.classifier == model.to_dict()

    titles = ["Кабель ВВГ 3х1,5 50 м (арт. KL0063)", "Провод ПВС 2х0,75 20 м (арт. SUP-100)"]
    items = [normalize(t) for t in titles]
    vecs = np.eye(2, 4, dtype=np.float32)
    index = CatalogIndex.from_items(
        ["a", "b"],
        [n.text for n in items],
        [n.attributes for n in items],
        vecs,
        reading(GENERIC),
        GENERIC.schema,
    )
    offers = [normalize("ВВГ 3x1.5 50m KL0063"), normalize("ВВГ 3x1.5 50m")]
    texts = [o.text for o in offers]
    decider = Decider(loaded, GENERIC)
    cands = index.search(np.tile(vecs[0], (2, 1)), decider.scorer, texts)
    decided = decider.decide(index, [o.attributes for o in offers], texts, cands)
    assert decided[0].verdict.matched is not None and decided[0].verdict.matched.catalog_id == "a"
    assert decided[1].verdict.matched is None and decided[1].verdict.reason == "classifier:no_match"
