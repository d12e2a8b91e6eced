"""Unsure decisions and remembered answers (fakeredis): the review band, aliases consulted before
the model, rejected pairs, aliases of deleted items, and answers exported as training data."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import fakeredis

from matcher.catalog import CatalogItem
from matcher.catalog.ingest import build_index
from matcher.decision import DecisionConfig
from matcher.events import Offer
from matcher.pipeline import Decisions, MatchPipeline
from matcher.profiles import get
from matcher.review import Answer, RedisAnswers
from matcher.review.answers import StaleAnswer
from tests.fakes import HashEncoder

PHONES = get("phones")
ITEMS = [
    CatalogItem("g", "xiaomi redmi 13c 4/128gb green"),
    CatalogItem("b", "xiaomi redmi 13c 4/128gb black"),
    CatalogItem("p", "poco x6 8/256gb blue"),
]


def setup(band: float) -> tuple[MatchPipeline, RedisAnswers, HashEncoder]:
    enc = HashEncoder()
    index = build_index(ITEMS, enc, PHONES, progress=False)  # type: ignore[arg-type]
    answers = RedisAnswers(fakeredis.FakeRedis(), "{t:m}")
    config = DecisionConfig(threshold=0.8, review_band=band)
    return MatchPipeline(enc, lambda: index, Decisions(config), answers), answers, enc  # type: ignore[arg-type]


def offer(oid: str, title: str, supplier: str = "s1") -> Offer:
    return Offer(offer_id=oid, title=title, supplier_id=supplier)


def test_a_score_near_the_threshold_goes_to_a_person_with_its_proposal() -> None:
    pipe, answers, _ = setup(band=0.5)
    (r,) = pipe.match([offer("o1", "redmi 13c green")])
    assert r.decision == "review" and r.catalog_id is None and r.proposed_catalog_id == "g"
    assert r.reason.startswith("review:") and r.candidates
    (waiting,) = answers.pending()
    assert waiting.offer_id == "o1" and waiting.proposed == "g" and waiting.line_title
    assert {c.catalog_id for c in waiting.candidates} >= {"g", "b"}
    assert next(c for c in waiting.candidates if c.catalog_id == "b").conflicts == ["color"]
    off, _, _ = setup(band=0.0)  # band 0: no reviews
    assert off.match([offer("o1", "redmi 13c green")])[0].decision != "review"


def test_answers_are_remembered_for_the_line_and_skip_the_model() -> None:
    pipe, answers, enc = setup(band=0.5)
    pipe.match([offer("o1", "redmi 13c green"), offer("o2", "poco x6 blue 8/256")])
    o1, o2 = answers.item("o1"), answers.item("o2")
    answers.answer(Answer("o1", "confirm", "ann", "g"), o1)
    answers.answer(Answer("o2", "none", "ann"), o2)
    calls = len(enc.calls)
    again = pipe.match([offer("n1", "redmi 13c green"), offer("n2", "poco x6 blue 8/256")])
    assert [(r.decision, r.catalog_id, r.reason) for r in again] == [
        ("match", "g", "match:confirmed"),
        ("no_match", None, "no_match:confirmed"),
    ]
    assert len(enc.calls) == calls  # the model was not called for either
    # another supplier's same words are another line: not settled by these answers
    (other,) = pipe.match([offer("x1", "redmi 13c green", supplier="s2")])
    assert other.reason != "match:confirmed"
    try:
        answers.item("o1")
    except StaleAnswer:
        pass
    else:
        raise AssertionError("an answered offer must be stale")


def test_a_rejected_pair_is_never_matched_again() -> None:
    pipe, answers, _ = setup(band=0.5)
    pipe.match([offer("o1", "redmi 13c green")])
    answers.answer(Answer("o1", "reject", "bob", "g"), answers.item("o1"))
    (r,) = pipe.match([offer("o2", "redmi 13c green")])
    assert r.proposed_catalog_id != "g" and r.catalog_id != "g"
    assert "g" not in [c.catalog_id for c in r.candidates]


def test_an_alias_whose_item_left_the_catalog_goes_back_to_review() -> None:
    pipe, answers, enc = setup(band=0.5)
    pipe.match([offer("o1", "redmi 13c green")])
    answers.answer(Answer("o1", "confirm", "ann", "g"), answers.item("o1"))
    smaller = build_index(ITEMS[1:], enc, PHONES, progress=False)  # type: ignore[arg-type]
    pipe.catalog = lambda: smaller
    (r,) = pipe.match([offer("o2", "redmi 13c green")])
    assert r.decision == "review" and r.reason == "review:alias_gone"
    assert answers.aliases() == {}  # dropped
    assert [i.offer_id for i in answers.pending()] == ["o2"]


def test_answers_export_as_training_data(tmp_path: Path) -> None:
    from matcher.catalog.ingest import load
    from matcher.catalog.store import RedisCatalog
    from matcher.review.export import write

    pipe, answers, enc = setup(band=0.5)
    store = RedisCatalog(answers.client, "t", "m", enc.dim)
    load(ITEMS, enc, store, PHONES, progress=False)  # type: ignore[arg-type]
    pipe.match([offer("o1", "redmi 13c green"), offer("o2", "poco x6 blue"), offer("o3", "x")])
    answers.answer(Answer("o1", "confirm", "ann", "g"), answers.item("o1"))
    answers.answer(Answer("o2", "reject", "ann", "p"), answers.item("o2"))
    counts = write(answers, store, tmp_path)
    assert counts["answers"] == 2
    rows = list(csv.reader((tmp_path / "pairs.csv").open()))
    assert rows[0] == ["sentence_0", "sentence_1", "label"]
    assert ["redmi 13c green", "xiaomi redmi 13c 4/128gb green", "1"] in rows
    assert ["poco x6 blue", "poco x6 8/256gb blue", "0"] in rows
    offers = [json.loads(x) for x in (tmp_path / "offers.jsonl").open()]
    assert offers == [
        {
            "offer_id": "o1",
            "supplier_id": "s1",
            "title": "redmi 13c green",
            "attributes": {},
            "expected_catalog_id": "g",
            "kind": "review:confirm",
        }
    ]
    audit = [json.loads(x) for x in (tmp_path / "audit.jsonl").open()]
    assert [a["reviewer"] for a in audit] == ["ann", "ann"]
