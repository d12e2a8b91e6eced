"""The learned decision fitted on offers with answers (products the catalog lacks included),
saved as a file, served through MATCHER_DECISION, and shipped for the default model."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from matcher.catalog import CatalogItem
from matcher.catalog.ingest import build_index
from matcher.decision import DecisionConfig
from matcher.decision.classifier import TreeEnsemble
from matcher.decision.config import packaged, read_decision, write_decision
from matcher.decision.features import OFFER_FEATURES
from matcher.events import Offer
from matcher.lab.training.offer_decision import (
    Rows,
    best_cut,
    capped,
    fit_on_offers,
    precision_cut,
)
from matcher.pipeline import Decisions, MatchPipeline
from matcher.profiles import get
from streams.cli import main
from tests.fakes import HashEncoder

GENERIC = get("generic")
SHADES = ["орех", "дуб", "тик", "сосна", "бук", "клен", "ольха", "вишня", "венге", "махагон"]


def market() -> tuple[list[CatalogItem], list[dict[str, object]]]:
    """Stains in shades; half the shades are not in the catalog. An offer for a missing shade
    names it; the learned decision sees that the item's shade is not in the offer."""
    items, offers = [], []
    for n, line in enumerate(["Tone", "Aqua", "Bio", "Terra", "Nord", "Prime"]):
        for k, shade in enumerate(SHADES):
            cid = f"{line}-{shade}"
            title = f"Морилка KRONVAL {line} {shade} 0,5 л"
            if k % 2 == 0:
                items.append(CatalogItem(cid, title))
            offers.append(
                {
                    "offer_id": f"o-{n}-{k}",
                    "title": f"морилка {line} {shade} 0,5л",
                    "expected_catalog_id": cid if k % 2 == 0 else None,
                }
            )
    return items, offers


def test_the_decision_learned_on_offers_knows_when_the_item_is_missing(tmp_path: Path) -> None:
    enc = HashEncoder()
    items, offers = market()
    index = build_index(items, enc, GENERIC, progress=False)  # type: ignore[arg-type]
    decisions = Decisions(DecisionConfig(threshold=0.2, review_band=0.0))
    config, report = fit_on_offers(enc, index, decisions, offers)
    assert report["rows"] > 0 and config.classifier is not None
    assert tuple(config.classifier["features"]) == OFFER_FEATURES and config.profile == "generic"
    path = write_decision(config, tmp_path / "decision.json", {"offers": len(offers)})
    served = MatchPipeline(enc, lambda: index, Decisions(read_decision(path)))  # type: ignore[arg-type]
    results = served.match([Offer.model_validate(o) for o in offers])
    absent = [r for o, r in zip(offers, results, strict=True) if o["expected_catalog_id"] is None]
    present = [
        r.catalog_id == o["expected_catalog_id"]
        for o, r in zip(offers, results, strict=True)
        if o["expected_catalog_id"]
    ]
    plain = MatchPipeline(enc, lambda: index, decisions).match(  # type: ignore[arg-type]
        [Offer.model_validate(o) for o in offers]
    )
    absent_plain = [r for o, r in zip(offers, plain, strict=True) if not o["expected_catalog_id"]]
    # the threshold alone matches most missing shades to a sibling; the learned decision not
    assert sum(r.catalog_id is not None for r in absent_plain) > len(absent_plain) // 2
    assert sum(r.catalog_id is not None for r in absent) <= len(absent) // 5
    assert sum(present) >= 0.8 * len(present)
    assert any(r.reason == "classifier:no_match" for r in absent)


def test_train_decision_writes_a_file_the_service_serves(tmp_path: Path) -> None:
    items, offers = market()
    catalog = tmp_path / "catalog.jsonl"
    catalog.write_text(
        "".join(json.dumps({"catalog_id": i.catalog_id, "title": i.title}) + "\n" for i in items)
    )
    labelled = tmp_path / "offers.jsonl"
    labelled.write_text("".join(json.dumps(o, ensure_ascii=False) + "\n" for o in offers))
    out = tmp_path / "decision.json"
    args = [
        "train-decision",
        "--catalog",
        str(catalog),
        "--offers",
        str(labelled),
        "--out",
        str(out),
    ]
    assert main(args) == 0
    saved = json.loads(out.read_text())
    assert saved["decision"]["profile"] == "generic" and saved["about"]["rows"] > 0
    from streams.components import build_encoder, decisions
    from streams.settings import Settings

    cfg = Settings(decision=str(out), vector_cache_size=0)
    made = decisions(cfg, build_encoder(cfg)).for_profile(GENERIC)
    assert made.classifier is not None and made.config.classifier == saved["decision"]["classifier"]


@pytest.mark.parametrize("model", ["multilingual-e5-small"])
def test_a_decision_is_shipped_for_the_default_model(model: str) -> None:
    shipped = packaged(model)
    assert "generic" in shipped and shipped["generic"].classifier is not None
    assert packaged("no-such-model") == {}


def test_the_precision_cut_matches_only_where_precision_is_reached() -> None:
    """Ranked by probability: right, right, right, wrong, right, wrong, wrong (5 answerable)."""
    probs = np.array([0.95, 0.9, 0.8, 0.7, 0.6, 0.5, 0.4])
    labels = np.array([1.0, 1, 1, 0, 1, 0, 0])
    data = Rows(np.zeros((7, 1)), labels, np.ones(7, dtype=bool), 5)
    assert best_cut(probs, data)[0] == pytest.approx(0.55)  # F1 0.8: four of five taken
    assert precision_cut(probs, data, 1.0) == pytest.approx(0.75)  # the first three alone
    assert precision_cut(probs, data, 0.8) == pytest.approx(0.55)
    # tied probabilities are taken together: no cut falls inside a tie, whatever the row order
    tied = np.array([0.9, 0.9, 0.5])
    for order in ([1.0, 0, 1], [0.0, 1, 1]):
        rows = Rows(np.zeros((3, 1)), np.array(order), np.ones(3, dtype=bool), 2)
        assert precision_cut(tied, rows, 1.0) == 1.0
        assert precision_cut(tied, rows, 0.5) == pytest.approx(0.25)
    # a target that would send 2 of 7 rows to review, capped at one row (1/7 = 0.15 of them)
    assert capped(probs, 0.55, 0.75, 0.15) == pytest.approx(0.65)
    assert capped(probs, 0.55, 0.75, 0.3) == 0.75 and capped(probs, 0.55, 0.75, 0.1) == 0.55
    assert (
        precision_cut(probs[3:4], Rows(data.features[:1], labels[3:4], data.answered[:1], 1), 0.5)
        == 1.0
    )


def test_between_the_two_cuts_a_person_decides_and_band_zero_turns_it_off() -> None:
    enc = HashEncoder()
    items, offers = market()
    index = build_index(items, enc, GENERIC, progress=False)  # type: ignore[arg-type]
    config, report = fit_on_offers(
        enc, index, Decisions(DecisionConfig(threshold=0.2, review_band=0.0)), offers
    )
    assert config.classifier is not None and report["review_from"] is None
    unsure = config.classifier | {"threshold": 1.01, "review_from": 0.0}  # every offer unsure
    batch = [Offer.model_validate(o) for o in offers]
    for band, decided in ((0.03, {"review"}), (0.0, {"match"})):  # reviews off: the low edge
        served = replace(config, classifier=unsure, review_band=band)
        results = MatchPipeline(enc, lambda: index, Decisions(served)).match(batch)  # type: ignore[arg-type]
        assert {r.decision for r in results if r.candidates} == decided
        assert band == 0 or {r.reason for r in results if r.candidates} == {"review:classifier"}
    saved = TreeEnsemble.from_dict(unsure, OFFER_FEATURES)
    assert saved.review_from == 0.0 and saved.to_dict()["review_from"] == 0.0
