from __future__ import annotations

import numpy as np

from matcher.catalog.index import CatalogIndex, Entry
from matcher.decision import DecisionPolicy, Scored, conflicts
from matcher.normalize import Attributes


def A(color: str | None = None, ram: int | None = None, rom: int | None = None) -> Attributes:
    return Attributes(color=color, ram=ram, rom=rom)


def test_conflicts_name_each_attribute() -> None:
    assert conflicts(A("green", 8, 256), A("lemon green", 8, 256)) == []
    assert conflicts(A("green", 8, 256), A("green", 12, 512)) == ["ram", "rom"]
    assert conflicts(A("gray", 6, 256), A("sage green", 6, 256)) == ["color"]
    assert conflicts(A(None, None, 256), A("black", 8, 256)) == []


def test_best_compatible_candidate_wins() -> None:
    policy = DecisionPolicy(threshold=0.8)
    cands = [Scored("black", 0.99, A("black", 8, 256)), Scored("green", 0.97, A("green", 8, 256))]
    verdict = policy.decide(A("green", 8, 256), cands)
    assert verdict.matched is not None and verdict.matched.catalog_id == "green"
    assert verdict.reason == "match"


def test_conflict_reason_when_nothing_compatible() -> None:
    policy = DecisionPolicy(threshold=0.8)
    verdict = policy.decide(
        A("gray", 6, 256), [Scored("x", 0.97, A("sage green", 6, 256)), Scored("y", 0.5, A("gray"))]
    )
    assert verdict.matched is None and verdict.reason == "conflict:color"


def test_guards_off_decides_on_cosine() -> None:
    verdict = DecisionPolicy(threshold=0.8, guards=False).decide(
        A("gray"), [Scored("x", 0.97, A("green"))]
    )
    assert verdict.matched is not None


def test_below_threshold_and_empty() -> None:
    policy = DecisionPolicy(threshold=0.9)
    assert policy.decide(A(), [Scored("x", 0.89, A())]).reason == "below_threshold"
    assert policy.decide(A(), []).reason == "empty_catalog"


def test_top_k_orders_by_cosine() -> None:
    rng = np.random.default_rng(0)
    vecs = rng.normal(size=(50, 8)).astype(np.float32)
    vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
    index = CatalogIndex([Entry(str(i), A()) for i in range(50)], vecs, version=3, dim=8)
    idx, scores = index.top_k(vecs[[7, 21]], 5)
    assert idx[:, 0].tolist() == [7, 21]
    assert np.all(np.diff(scores, axis=1) <= 0)
    full = vecs[[7]] @ vecs.T
    assert np.allclose(np.sort(full[0])[::-1][:5], scores[0], atol=1e-6)
    idx_all, _ = index.top_k(vecs[[3]], 100)
    assert sorted(idx_all[0].tolist()) == list(range(50))


def test_model_and_brand_guards() -> None:
    note14 = Attributes(model="14")
    assert conflicts(note14, Attributes(model="14 pro")) == ["model"]
    assert conflicts(
        Attributes(brand="realme", model="12"), Attributes(brand="oneplus", model="12")
    ) == ["brand"]
    assert (
        conflicts(Attributes(brand=None, model="12"), Attributes(brand="oneplus", model="12")) == []
    )
    assert conflicts(note14, Attributes(model=None)) == []
    assert conflicts(note14, Attributes(model="14")) == []


def test_vector_guard_agrees_with_conflicts() -> None:
    import itertools

    from matcher.decision.guards import allowed

    colors = [None, "green", "lemon green", "sage green", "gray", "space gray"]
    catalog = [A(c, r, s) for c, r, s in itertools.product(colors, [None, 8, 12], [None, 256])]
    catalog += [Attributes(model=m) for m in (None, "14", "14 pro")]
    catalog += [Attributes(brand=b) for b in (None, "xiaomi", "realme")]
    index = CatalogIndex(
        [Entry(str(i), a) for i, a in enumerate(catalog)],
        np.eye(len(catalog), dtype=np.float32),
        1,
        len(catalog),
    )
    offers = [A(c, r, s) for c, r, s in itertools.product(colors, [None, 8], [None, 256, 512])]
    offers += [Attributes(model="14"), Attributes(model="15"), Attributes(brand="realme")]
    offers += [Attributes(brand="oneplus", model="14")]
    for offer in offers:
        mask = allowed(offer, index.columns)
        assert mask.tolist() == [not conflicts(offer, c) for c in catalog], offer


def test_best_compatible_beyond_the_top_k() -> None:
    policy = DecisionPolicy(threshold=0.8)
    top = [Scored("black", 0.99, A("black", 8, 256))]
    verdict = policy.decide(
        A("green", 8, 256), top, compatible=Scored("green", 0.9, A("green", 8, 256))
    )
    assert verdict.matched is not None and verdict.matched.catalog_id == "green"
    low = policy.decide(
        A("green", 8, 256), top, compatible=Scored("green", 0.7, A("green", 8, 256))
    )
    assert low.matched is None and low.reason == "conflict:color"
