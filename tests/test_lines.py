"""Product-line names learned from a catalog, catalog brands found in titles, and the guards
that read them (generic profile)."""

from __future__ import annotations

import numpy as np

from matcher.catalog import CatalogItem
from matcher.catalog.ingest import build_index
from matcher.decision import DecisionConfig, GuardSet
from matcher.decision.guards import ExclusionGuard, LatinGuard
from matcher.events import Offer
from matcher.normalize import Attributes
from matcher.normalize.brands import discover
from matcher.normalize.lines import Lines, for_offer, learn, words
from matcher.pipeline import Decisions, MatchPipeline
from matcher.profiles import get
from tests.fakes import HashEncoder

GENERIC = get("generic")
CATALOG = [
    "Антисептик для древесины KRONVAL Interior бесцветный 5 л",
    "Антисептик для древесины KRONVAL Interior бесцветный 1 л",
    "Антисептик для древесины KRONVAL Exterior бесцветный 1 л",
    "Антисептик для древесины KRONVAL Exterior орех 1 л",
    "Пропитка для бани KRONVAL Sauna 1 л",
    "Пропитка для бани KRONVAL Eco Sauna 2,5 л",
    "Краска для полов KRONVAL Floor 300 серая 2,5 кг",
    "Краска для полов KRONVAL Floor 500 серая 10 кг",
    "Средство для мытья стекол Ладомир Crystal 1 л",
    "Средство для мытья стекол Ладомир Crystal+ 500 мл",
    "Средство для чистки унитаза Ладомир WC Gel лимон 750 мл",
]


def learned() -> Lines:
    norms = [GENERIC.normalize(t) for t in CATALOG]
    return learn([words(n.text) for n in norms], [n.text for n in norms])


def test_siblings_teach_the_alternatives() -> None:
    lines = learned()
    assert lines.latin_names  # a catalog written in Cyrillic: Latin words are names
    assert "exterior" in lines.excluded(["interior"])  # Interior / Exterior 1 л differ in it
    assert "500" in lines.excluded(["300"])  # Floor 300 / Floor 500
    assert "орех" in lines.excluded(["бесцветный"])
    assert lines.excluded(["антисептик"]) == ()  # a word no sibling replaces excludes nothing
    assert Lines.from_dict(lines.to_dict()).excluded(["interior"]) == lines.excluded(["interior"])


def test_an_offer_reads_the_catalogs_names_however_it_writes_them() -> None:
    lines = learned()
    cases = {
        "антисептик кронвал интериор 5 л": ("Антисептик Кронвал Интериор 5 л", "interior"),
        "антисепт. kronval ext. бесцв. 1л": ("Антисепт. KRONVAL Ext. бесцв. 1л", "exterior"),
        "средство ладомир cristal 1л": ("Средство Ладомир Cristal 1л", "crystal"),
    }
    for text, (title, name) in cases.items():
        expanded, attrs = for_offer(text, Attributes(), lines, title)
        assert name in attrs.many("latin_known") and name in expanded.split(), (text, attrs)
    # lower-case Russian words are not taken for transliterated names ("лак" is not "Lak")
    _, plain = for_offer("лак яхтный 1 л", Attributes(), lines, "Лак яхтный 1 л")
    assert plain.many("latin_known") == ()


def test_line_guards() -> None:
    guards = GuardSet([ExclusionGuard(), LatinGuard()])
    interior = Attributes(names=("interior",), latin=("interior",))
    exterior_offer = Attributes(
        names=("exterior",), latin=("exterior",), latin_known=("exterior",), not_names=("interior",)
    )
    assert guards.conflicts(exterior_offer, interior) == ["names", "latin"]
    eco = Attributes(latin=("eco", "sauna"), latin_known=("eco", "sauna"))
    assert guards.conflicts(eco, Attributes(latin=("sauna",))) == ["latin"]  # Eco Sauna ≠ Sauna
    assert (
        guards.conflicts(
            Attributes(latin=("sauna",), latin_known=("sauna",)), Attributes(latin=("eco", "sauna"))
        )
        == []
    )
    assert guards.conflicts(Attributes(), interior) == []  # an offer naming nothing: unknown


def test_brands_are_found_in_titles_of_a_catalog_that_states_none() -> None:
    assert discover(CATALOG) == ["KRONVAL", "Ладомир"]
    assert discover(["Краска белая 5 л"] * 10) == []


def test_held_out_siblings_are_not_matched_and_present_ones_are() -> None:
    """End to end with the hash encoder: the catalog lacks Exterior 5 л and Eco Sauna 1 л."""
    enc = HashEncoder()
    items = [CatalogItem(f"c{i}", t) for i, t in enumerate(CATALOG)]
    index = build_index(items, enc, GENERIC, progress=False)  # type: ignore[arg-type]
    assert index.lines is not None and index.columns["names"].values
    pipeline = MatchPipeline(enc, lambda: index, Decisions(DecisionConfig(threshold=0.3)))  # type: ignore[arg-type]
    titles = [
        "АнтисептикKRONVALInterior5л",
        "Антисептик Кронвал Экстериор бесцв. 5л",
        "Пропитка KRONVAL EcoSauna 1л",
        "ПропиткаKRONVALSauna1л",
    ]
    results = pipeline.match([Offer(offer_id=str(i), title=t) for i, t in enumerate(titles)])
    got = {t: r.catalog_id for t, r in zip(titles, results, strict=True)}
    assert got == {
        "АнтисептикKRONVALInterior5л": "c0",
        "Антисептик Кронвал Экстериор бесцв. 5л": None,
        "Пропитка KRONVAL EcoSauna 1л": None,
        "ПропиткаKRONVALSauna1л": "c4",
    }
    assert np.asarray(index.columns["latin"].codes).size > 0
