"""The generic profile (the default for any catalog), the lexical index and the hybrid score."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from matcher.catalog import CatalogItem
from matcher.catalog.index import CatalogIndex
from matcher.catalog.ingest import build_index, stored
from matcher.catalog.lexical import Lexicon, Postings, Sparse, pair_scores
from matcher.catalog.segment import Segment
from matcher.decision import DecisionConfig
from matcher.decision.guards import GuardSet
from matcher.encoding import Encoder
from matcher.events import Offer
from matcher.normalize.brands import Brands, skeleton
from matcher.pipeline import Decisions, MatchPipeline
from matcher.profiles import get
from matcher.scoring import Scorer
from tests.fakes import Listing, read

FIXTURES = Path(__file__).parent / "fixtures"
PROFILE = get("generic")
GENERIC = GuardSet(PROFILE.guards)


def normalize(title: str) -> Listing:
    return read("generic", title)


def conflicts(a: str, b: str) -> list[str]:
    return GENERIC.conflicts(PROFILE.read(a, None).attributes, PROFILE.read(b, None).attributes)


@pytest.mark.parametrize(
    ("offer", "item"),
    [
        ("Краска фасадная белая 5 л", "Краска фасадная белая 10 л"),
        ("Клей плиточный 16 кг", "Клей плиточный 25 кг"),
        ("Грунтовка-концентрат 1:4 1 л", "Грунтовка-концентрат 1:6 1 л"),
        ("Пескобетон М200 50 кг", "Пескобетон М300 50 кг"),
        ("Кран шаровой DN15 ВР-НР", 'Кран шаровой 1" ВР-НР'),
        ("Кран шаровой (арт. АП-00006)", "Кран шаровой (арт. АП-00010)"),
        ("Затирка черная 2 кг", "Затирка бежевая 2 кг"),
        ("SSD 1tb", "SSD 512gb"),
    ],
)
def test_generic_guards_tell_variants_apart(offer: str, item: str) -> None:
    assert conflicts(offer, item)


@pytest.mark.parametrize(
    ("offer", "item"),
    [
        ("Герметик 0,5 л", "Герметик 500 мл"),
        ("Цемент 9 кг", "Цемент 9000 г"),
        ("SSD 1tb", "SSD 1024 GB"),
        ("Кран шаровой DN15", 'Кран шаровой 1/2"'),
        ("Диск отр. 125x1x22.2 mm", "Диск отрезной 125x1,0x22,2 мм"),
        ("Эмаль White Hill 1,7 кг", "Эмаль White Hill зеленая 1,7 кг"),  # no colour stated
        ("KL0063 Кабель 3x1.5 50 m", "Кабель 3х1,5 50 м (арт. KL0063)"),
        ("Кабель (SUP-77123) 3х1,5", "Кабель 3х1,5 (арт. KL0063)"),  # another numbering
    ],
)
def test_generic_guards_let_one_product_through(offer: str, item: str) -> None:
    assert conflicts(offer, item) == []


def test_an_amount_under_a_key_nobody_listed_is_still_stated() -> None:
    """Dealers put the pack size under their own key: "Фасовка", "Упаковка"."""
    offer = PROFILE.read(
        "Затирка Fuga серая", {"Фасовка": "2 кг", "Гарантия": "12 мес", "Расход": "1,5 кг/м2"}
    )
    assert offer.attributes.get("mass") == 2000.0 and offer.attributes.get("volume") is None
    item = PROFILE.read("Затирка для швов Fuga серая 5 кг", None).attributes
    assert GENERIC.conflicts(offer.attributes, item)
    same = PROFILE.read("Затирка для швов Fuga серая 2 кг", None).attributes
    assert GENERIC.conflicts(offer.attributes, same) == []


def test_no_phone_rule_fires_on_a_catalog_that_is_not_phones() -> None:
    a = normalize("Клей плиточный 16 кг, 1:10, 0,5 л White Hill").attributes
    assert (a.model, a.ram, a.brand, a.category, a.color) == (None, None, None, None, None)
    assert (a.mass, a.volume, a.marks) == (16000.0, 500.0, ("ratio:1:10",))
    assert normalize("Эмаль зеленая").attributes.color_ru == "green"
    assert normalize("Грунтовка Белый Дом").attributes.color_ru is None  # a name, not a colour
    assert normalize("Пена 750 мл - 1 290р").title == "пена 750ml"  # the price is dropped


def test_brands_are_compared_by_skeleton_and_found_in_titles() -> None:
    assert skeleton("KraftLine") == skeleton("КрафтЛайн") == skeleton("KRAFTLINE")
    assert skeleton("Хим Мастер") == skeleton("ХимМастер")
    known = Brands(["Крепыш", "KraftLine", "Белый Дом"])
    assert known.find("KR-141 бур SDS plus Krepysh 6x110 mm") == skeleton("Крепыш")
    assert known.find("Грунтовка БЕЛЫЙ ДОМ 10 л") == skeleton("белый дом")
    assert known.find("Бур SDS-plus 6x110") is None
    items = [
        CatalogItem("k", "Бур SDS-plus Крепыш 6x110 мм", {"торговая марка": "Крепыш"}),
        CatalogItem("f", "Бур SDS-plus KraftLine 6x110 мм"),
        CatalogItem("g", "Бур KraftLine 8x110 мм", {"бренд": "KraftLine"}),
    ]
    found = {s.catalog_id: s.attributes.text("brand") for s in stored(items, PROFILE)}
    assert found == {"k": skeleton("крепыш"), "f": skeleton("kraftline"), "g": "krftln"}


def _brute(q: Sparse, rows: Sparse, i: int, j: int) -> float:
    qb, qw = q.row(i)
    rb, rw = rows.row(j)
    a, b = (
        dict(zip(qb.tolist(), qw.tolist(), strict=True)),
        dict(zip(rb.tolist(), rw.tolist(), strict=True)),
    )
    return sum(w * b.get(k, 0.0) for k, w in a.items())


def test_lexical_scores_are_cosines_of_tfidf_rows() -> None:
    texts = ["кабель ввг 3x1.5 50m", "провод пвс 3x1.5 50m", "бур sds plus 6x110mm", "a"]
    lex = Lexicon.fit(texts)
    rows = lex.transform(texts)
    norms = np.array([float(rows.row(i)[1] @ rows.row(i)[1]) for i in range(len(rows))])
    assert np.allclose(norms, 1.0, atol=1e-5)
    queries = lex.transform(["кабель ввг-нг 3x1.5 50 m", "zzzz"])  # unknown n-grams: left out
    scores = Postings(rows, max_df=len(texts)).scores(queries)
    for i in range(2):
        for j in range(len(texts)):
            assert scores[i, j] == pytest.approx(_brute(queries, rows, i, j), abs=1e-5)
    assert int(np.argmax(scores[0])) == 0 and not scores[1].any()
    pairs = pair_scores(queries, rows, np.array([0, 0]), np.array([0, 2]))
    assert pairs == pytest.approx(scores[0, [0, 2]], abs=1e-5)
    again = Sparse.from_bytes(rows.to_bytes())
    assert np.array_equal(again.indices, rows.indices)
    assert np.allclose(again.data, rows.data, atol=1e-3)
    assert Lexicon.from_bytes(lex.to_bytes()).documents == len(texts)


def test_the_lexical_index_travels_with_the_snapshot_and_weights_the_delta() -> None:
    texts = [f"товар {i} артикул kl{i:04d}" for i in range(30)]
    attrs = [PROFILE.read(t, None).attributes for t in texts]
    vecs = np.eye(30, 8, dtype=np.float32)
    schema = PROFILE.schema
    base = Segment.build([f"i{i}" for i in range(30)], texts, attrs, vecs, schema)
    back = Segment.from_parts(base.to_parts(), 8, schema)
    assert back.lexical is not None and back.lexicon is not None
    assert np.array_equal(back.lexical.indices, base.lexical.indices)  # type: ignore[union-attr]
    delta = Segment.build(
        ["new"], ["товар новый kl0099"], attrs[:1], vecs[:1], schema, lexicon=back.lexicon
    )
    index = CatalogIndex(back, delta)
    lexical = index.lexical_scores(["kl0099 товар новый", "kl0007"])
    assert int(np.argmax(lexical[0])) == 30  # the delta row
    assert index.catalog_id(int(np.argmax(lexical[1]))) == "i7"
    (fused,) = index.search(np.zeros((1, 8), np.float32), Scorer(1.0), ["kl0007"])
    assert fused.scores[int(np.argmax(lexical[1]))] == pytest.approx(lexical[1].max())


def test_an_ann_catalog_is_scored_on_the_same_hybrid_scale_as_an_exact_one() -> None:
    """Above the ANN size, candidates are rescored with the same formula: the same item gets
    the same score whether the catalog is searched exactly or through the ANN index."""
    rng = np.random.default_rng(0)
    n = 1200
    texts = [
        f"саморез kraftline {3 + i % 4}x{20 + i % 60}mm {100 + i}pcs kl{i:05d}" for i in range(n)
    ]
    vecs = rng.standard_normal((n, 16)).astype(np.float32)
    vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
    ids = [f"i{i:05d}" for i in range(n)]
    attrs = [PROFILE.read(t, None).attributes for t in texts]
    exact = CatalogIndex(Segment.build(ids, texts, attrs, vecs, PROFILE.schema))
    ann = CatalogIndex(Segment.build(ids, texts, attrs, vecs, PROFILE.schema, ann_min_items=1000))
    assert exact.exact and not ann.exact and ann.base.lexical is None
    scorer = Scorer(0.5)
    queries = vecs[[7, 500]] + 0.05 * rng.standard_normal((2, 16)).astype(np.float32)
    asked = ["kl00007 саморез kraftline", "kl00500 kraftline"]
    for e, a in zip(
        exact.search(queries, scorer, asked), ann.search(queries, scorer, asked), strict=True
    ):
        assert a.rows is not None
        best = int(a.rows[int(np.argmax(a.scores))])
        assert best == int(np.argmax(e.scores))
        assert a.scores.max() == pytest.approx(e.scores[best], abs=0.02)  # int8 vectors
        lexical_only = Scorer(1.0)
    ((e1,), (a1,)) = (
        exact.search(queries[:1], lexical_only, asked[:1]),
        ann.search(queries[:1], lexical_only, asked[:1]),
    )
    assert a1.rows is not None
    assert np.allclose(a1.scores, e1.scores[a1.rows], atol=1e-4)  # the same lexical cosines


HARDWARE = [
    CatalogItem("z-black", "Затирка для швов ProfiMaster черная 2 кг (арт. ПМ-ЗШ-71)"),
    CatalogItem("z-beige", "Затирка для швов ProfiMaster бежевая 2 кг (арт. ПМ-ЗШ-70)"),
    CatalogItem("z-sr", "Затирка для швов СтройРесурс черная 2 кг", {"бренд": "СтройРесурс"}),
    CatalogItem("g-14", "Грунтовка-концентрат ХимМастер 1:4 1 л", {"бренд": "ХимМастер"}),
    CatalogItem("g-16", "Грунтовка-концентрат ХимМастер 1:6 1 л"),
    CatalogItem("k-12", 'Кран шаровой латунный АкваПрофи 1/2" ВР-НР', {"бренд": "АкваПрофи"}),
    CatalogItem("k-1", 'Кран шаровой латунный АкваПрофи 1" ВР-НР'),
    CatalogItem("b-k", "Бур SDS-plus Крепыш 6x110 мм", {"бренд": "Крепыш"}),
    CatalogItem("b-f", "Бур SDS-plus KraftLine 6x110 мм (арт. KL0093)", {"бренд": "KraftLine"}),
    CatalogItem("p-w", "Пена монтажная White Hill 750 мл", {"бренд": "White Hill"}),
    CatalogItem("p-w1", "Пена монтажная White Hill 1000 мл"),
]


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Затирка д/ш PROFIMASTER черная (2,0 кг) 210,00 ₽", "z-black"),
        ("ПМ-ЗШ-70 затирка profimaster 2кг", "z-beige"),
        ("Затирка СТРОЙРЕСУРС черн. 2 кг", "z-sr"),
        ("Хим Мастер грунт-концентрат 1:6 1L", "g-16"),
        ("Кран шар. лат. AquaProfi DN15 вр-нр", "k-12"),
        ("KR-141 бур SDS plus Krepysh 6x110 mm 170р.", "b-k"),
        ("Пена монт. WHITE HILL 0,75 л", "p-w"),
        ("Пена монтажная White Hill 500 мл", None),
        ('Кран шаровой АкваПрофи 3/4" ВР-НР', None),
    ],
)
def test_russian_listings_match_on_the_generic_default(
    hardware_pipeline: MatchPipeline, title: str, expected: str | None
) -> None:
    (result,) = hardware_pipeline.match([Offer(offer_id="o", title=title)])
    assert result.catalog_id == expected, result


@pytest.fixture(scope="module")
def hardware_pipeline(encoder: Encoder) -> MatchPipeline:
    index = build_index(HARDWARE, encoder, PROFILE, progress=False)
    return MatchPipeline(encoder, lambda: index, Decisions(DecisionConfig(review_band=0.0)))


def test_hybrid_finds_what_the_dense_model_alone_misses(encoder: Encoder) -> None:
    """The default model's tokenizer reads Cyrillic letter by letter: the lexical side counts."""
    index = build_index(HARDWARE, encoder, PROFILE, progress=False)
    offers = [
        "Затирка д/ш PROFIMASTER черная (2,0 кг)",
        "Хим Мастер грунт-концентрат 1:6 1L",
        "Кран шар. лат. AquaProfi 1/2 вр-нр",
        "бур SDS plus Krepysh 6x110 mm",
    ]
    texts = [normalize(t).text for t in offers]
    vectors = encoder.encode(texts)
    right = ["z-black", "g-16", "k-12", "b-k"]

    def top1(weight: float) -> int:
        found = index.search(vectors, Scorer(weight), texts)
        return sum(
            index.catalog_id(int(np.argmax(c.scores))) == r
            for c, r in zip(found, right, strict=True)
        )

    assert top1(0.5) == len(right) and top1(0.5) > top1(0.0)


def _decisions(encoder: Encoder, folder: str, profile: str) -> tuple[float, float, int]:
    """Precision, recall and offers of the service's decisions on a hand-written fixture."""
    items = [json.loads(x) for x in (FIXTURES / folder / "catalog.jsonl").read_text().splitlines()]
    catalog = [CatalogItem(i["catalog_id"], i["title"], i.get("attributes") or {}) for i in items]
    offers = [json.loads(x) for x in (FIXTURES / folder / "offers.jsonl").read_text().splitlines()]
    index = build_index(catalog, encoder, get(profile), progress=False)
    # the matcher alone: decisions it makes itself (unsure ones would wait for a person)
    pipe = MatchPipeline(encoder, lambda: index, Decisions(DecisionConfig(review_band=0.0)))
    results = pipe.match([Offer.model_validate(o) for o in offers])
    tp = sum(r.catalog_id is not None and r.catalog_id == o["expected_catalog_id"]
             for o, r in zip(offers, results, strict=True))  # fmt: skip
    fp = sum(r.catalog_id is not None and r.catalog_id != o["expected_catalog_id"]
             for o, r in zip(offers, results, strict=True))  # fmt: skip
    positives = sum(o["expected_catalog_id"] is not None for o in offers)
    return tp / max(1, tp + fp), tp / max(1, positives), len(offers)


@pytest.mark.parametrize(
    ("folder", "precision", "recall"),
    [("phones_heldout", 0.95, 0.88), ("phones_handwritten", 0.98, 0.95)],
)
def test_hand_written_phone_listings(
    encoder: Encoder, folder: str, precision: float, recall: float
) -> None:
    """Listings written by hand, not by the generator (``phones_heldout`` was written after the
    phone rules and never tuned on); the floors sit a little under what was measured."""
    p, r, n = _decisions(encoder, folder, "phones")
    assert n >= 200
    assert p >= precision and r >= recall, (p, r)
