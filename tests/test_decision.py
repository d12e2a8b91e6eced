from __future__ import annotations

import itertools

import numpy as np

from matcher.catalog.index import Candidates, CatalogIndex
from matcher.catalog.ingest import reading
from matcher.decision import Band, Decider, DecisionConfig, GuardSet, Scored
from matcher.decision.policy import ThresholdPolicy
from matcher.decision.search import best_compatible, top_k
from matcher.normalize import Attributes
from matcher.profiles import get
from matcher.scoring import Scorer

PHONES = get("phones")
ALL = GuardSet(PHONES.guards)


def conflicts(offer: Attributes, candidate: Attributes) -> list[str]:
    return ALL.conflicts(offer, candidate)


def A(color: str | None = None, ram: int | None = None, rom: int | None = None) -> Attributes:
    return Attributes(color=color, ram=ram, rom=rom)


def catalog(attrs: list[Attributes], vectors: np.ndarray | None = None) -> CatalogIndex:
    vecs = np.eye(len(attrs), dtype=np.float32) if vectors is None else vectors
    ids = [f"i{n:04d}" for n in range(len(attrs))]  # sorted as given: rows keep their numbers
    texts = [f"text {i}" for i in ids]
    return CatalogIndex.from_items(ids, texts, attrs, vecs, reading(PHONES), PHONES.schema)


def test_conflicts_name_each_attribute() -> None:
    assert conflicts(A("green", 8, 256), A("lemon green", 8, 256)) == []
    assert conflicts(A("green", 8, 256), A("green", 12, 512)) == ["ram", "rom"]
    assert conflicts(A("gray", 6, 256), A("sage green", 6, 256)) == ["color"]
    assert conflicts(A(None, None, 256), A("black", 8, 256)) == []


def test_best_compatible_candidate_wins() -> None:
    policy = ThresholdPolicy(0.8, ALL)
    cands = [Scored("black", 0.99, A("black", 8, 256)), Scored("green", 0.97, A("green", 8, 256))]
    verdict = policy.decide(A("green", 8, 256), cands)
    assert verdict.matched is not None and verdict.matched.catalog_id == "green"
    assert verdict.reason == "match"


def test_conflict_reason_when_nothing_compatible() -> None:
    policy = ThresholdPolicy(0.8, ALL)
    verdict = policy.decide(
        A("gray", 6, 256), [Scored("x", 0.97, A("sage green", 6, 256)), Scored("y", 0.5, A("gray"))]
    )
    assert verdict.matched is None and verdict.reason == "conflict:color"


def test_guards_off_decides_on_cosine() -> None:
    verdict = ThresholdPolicy(0.8, GuardSet([])).decide(A("gray"), [Scored("x", 0.97, A("green"))])
    assert verdict.matched is not None and verdict.matched.catalog_id == "x"


def test_below_threshold_and_empty() -> None:
    policy = ThresholdPolicy(0.9, ALL)
    assert policy.decide(A(), [Scored("x", 0.89, A())]).reason == "below_threshold"
    assert policy.decide(A(), []).reason == "empty_catalog"


def test_top_k_orders_by_cosine() -> None:
    rng = np.random.default_rng(0)
    vecs = rng.normal(size=(50, 8)).astype(np.float32)
    vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
    index = catalog([A()] * 50, vecs)
    first, second = index.search(vecs[[7, 21]], Scorer(0.0))
    rows, scores = top_k(first, 5)
    assert rows[0] == 7 and top_k(second, 5)[0][0] == 21
    assert np.all(np.diff(scores) <= 0)
    full = vecs[[7]] @ vecs.T
    assert np.allclose(np.sort(full[0])[::-1][:5], scores, atol=1e-6)
    rows_all, _ = top_k(index.search(vecs[[3]], Scorer(0.0))[0], 100)
    assert sorted(rows_all.tolist()) == list(range(50))
    subset = Candidates(np.array([40, 12, 3]), np.array([0.1, 0.9, -np.inf], dtype=np.float32))
    assert top_k(subset, 5)[0].tolist() == [12, 40]  # rows are the catalog's; -inf is dropped


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
    colors = [None, "green", "lemon green", "sage green", "gray", "space gray"]
    attrs = [A(c, r, s) for c, r, s in itertools.product(colors, [None, 8, 12], [None, 256])]
    attrs += [Attributes(model=m) for m in (None, "14", "14 pro")]
    attrs += [Attributes(brand=b) for b in (None, "xiaomi", "realme")]
    index = catalog(attrs)
    offers = [A(c, r, s) for c, r, s in itertools.product(colors, [None, 8], [None, 256, 512])]
    offers += [Attributes(model="14"), Attributes(model="15"), Attributes(brand="realme")]
    offers += [Attributes(brand="oneplus", model="14")]
    for offer in offers:
        mask = ALL.mask(offer, index)
        want = [not conflicts(offer, c) for c in attrs]
        assert (mask.tolist() if mask is not None else [True] * len(attrs)) == want, offer


def test_best_compatible_beyond_the_top_k() -> None:
    policy = ThresholdPolicy(0.8, ALL)
    top = [Scored("black", 0.99, A("black", 8, 256))]
    verdict = policy.decide(
        A("green", 8, 256), top, compatible=Scored("green", 0.9, A("green", 8, 256))
    )
    assert verdict.matched is not None and verdict.matched.catalog_id == "green"
    low = policy.decide(
        A("green", 8, 256), top, compatible=Scored("green", 0.7, A("green", 8, 256))
    )
    assert low.matched is None and low.reason == "conflict:color"


def test_best_compatible_searches_the_whole_catalog() -> None:
    index = catalog([A("black", 8, 256)] * 20 + [A("green", 8, 256)])
    cands = Candidates(None, np.linspace(1.0, 0.5, 21, dtype=np.float32))  # green scores lowest
    assert best_compatible(A("green"), cands, index, ALL) == (20, 0.5)
    assert best_compatible(A("red"), cands, index, ALL) is None
    assert best_compatible(A(), cands, index, ALL) == (0, 1.0)
    some = Candidates(np.array([20, 3]), np.array([0.6, 0.9], dtype=np.float32))
    assert best_compatible(A("green"), some, index, ALL) == (20, 0.6000000238418579)


def test_decision_config_round_trips_with_the_model(tmp_path) -> None:  # type: ignore[no-untyped-def]
    generic = get("generic")
    assert DecisionConfig.load(tmp_path) == DecisionConfig()
    assert DecisionConfig().resolve(generic).cutoff == generic.threshold  # none stored
    assert DecisionConfig().resolve(PHONES).cutoff == PHONES.threshold
    assert DecisionConfig().resolve(PHONES).lexical_weight == 0.0
    assert DecisionConfig().resolve(generic).lexical_weight == generic.lexical_weight > 0
    # A decision calibrated for one profile does not carry over to another's scale.
    calibrated = DecisionConfig(threshold=0.42, profile="phones", lexical_weight=0.1)
    assert calibrated.resolve(PHONES).cutoff == 0.42
    assert calibrated.resolve(generic).cutoff == generic.threshold
    assert calibrated.resolve(generic).lexical_weight == generic.lexical_weight
    (tmp_path / "matcher.json").write_text('{"training": {"steps": 3}}')
    config = DecisionConfig(threshold=0.7123, guards=("ram", "rom"), band=Band(0.6, 0.8, 0.4))
    config.save(tmp_path)
    assert DecisionConfig.load(tmp_path) == config
    assert '"steps": 3' in (tmp_path / "matcher.json").read_text()  # other sections are kept
    assert config.with_overrides(threshold=None, guards=()).guards == ()
    assert config.with_overrides(threshold=0.9).threshold == 0.9


def test_decider_uses_the_band_not_the_threshold_with_a_second_stage() -> None:
    class Always:
        band = Band(0.5, 0.9, threshold=0.5)

        def __init__(self, p: float) -> None:
            self.p = p
            self.seen: list[tuple[str, str]] = []

        def probabilities(self, pairs: list[tuple[str, str]]) -> np.ndarray:
            self.seen += pairs
            return np.full(len(pairs), self.p, dtype=np.float32)

    index = catalog([A(), A()])
    scores = [
        Candidates(None, np.array(row, dtype=np.float32))
        for row in ([0.95, 0.1], [0.6, 0.1], [0.3, 0.1])
    ]
    offers, texts = [A()] * 3, ["o1", "o2", "o3"]
    yes = Always(0.9)
    decided = Decider(DecisionConfig(threshold=0.99), PHONES, yes, top_k=2).decide(  # type: ignore[arg-type]
        index, offers, texts, scores
    )
    assert [d.verdict.reason for d in decided] == ["match", "rerank:match", "below_threshold"]
    assert yes.seen == [("o2", "text i0000")]  # only the score inside the band was reviewed
    no = Decider(DecisionConfig(threshold=0.99), PHONES, Always(0.1), top_k=2)  # type: ignore[arg-type]
    assert no.decide(index, offers, texts, scores)[1].verdict.reason == "rerank:no_match"
    plain = Decider(DecisionConfig(threshold=0.99), PHONES, top_k=2).decide(
        index, offers, texts, scores
    )
    assert [d.verdict.reason for d in plain] == ["below_threshold"] * 3
