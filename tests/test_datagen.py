from __future__ import annotations

import csv

from matcher.lab.datagen import build_market, write


def test_market_size_brands_and_determinism() -> None:
    a, b = build_market(7), build_market(7)
    assert len(a.catalog) >= 3000
    brands = {p.prefix.split()[0] for p in a.catalog.values()}
    assert len(brands) >= 10
    assert [o["title"] for o in a.offers["test"][:50]] == [
        o["title"] for o in b.offers["test"][:50]
    ]
    assert [o["title"] for o in build_market(8).offers["test"][:50]] != [
        o["title"] for o in a.offers["test"][:50]
    ]


def test_splits_are_disjoint_by_family() -> None:
    m = build_market(42)
    fams = {s: {str(o["family"]) for o in m.offers[s]} for s in ("train", "valid", "test")}
    assert (
        not fams["train"] & fams["test"]
        and not fams["train"] & fams["valid"]
        and not fams["valid"] & fams["test"]
    )
    test_titles = {
        m.catalog[str(o["expected_catalog_id"])].catalog_title
        for o in m.offers["test"]
        if o["expected_catalog_id"]
    }
    train_titles = {t.split(" | ")[0] for pair in m.pairs["train"] for t in pair[:2]}
    assert test_titles and train_titles and not test_titles & train_titles


def test_offers_include_unlisted_products_and_hard_negatives() -> None:
    m = build_market(42)
    offers = m.offers["test"]
    unlisted = [o for o in offers if o["expected_catalog_id"] is None]
    assert 0.05 < len(unlisted) / len(offers) < 0.5
    listed_models = {(p.prefix, p.model) for p in m.catalog.values()}
    # some no-match offers are variants of models the catalog does list (hard negatives)
    assert any(
        any(f" {model} " in f" {o['title'].lower()} " for _, model in listed_models)
        for o in unlisted
    )
    labels = [p[2] for p in m.pairs["test"]]
    assert 0.1 < sum(labels) / len(labels) < 0.5


def test_write_files(tmp_path) -> None:  # type: ignore[no-untyped-def]
    counts = write(build_market(1), tmp_path)
    assert counts["catalog"] >= 3000
    with open(tmp_path / "pairs_train.csv", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert set(rows[0]) == {"sentence_0", "sentence_1", "label"}
    assert " | color: " in rows[0]["sentence_0"]
