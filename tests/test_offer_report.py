"""The as-served report counts each outcome where a person reading it expects it."""

from __future__ import annotations

from matcher.catalog import CatalogItem
from matcher.events import Candidate, MatchResult
from matcher.lab.evaluation.offer_report import report


def result(decision: str, chosen: str | None, first: str | None) -> MatchResult:
    return MatchResult(
        offer_id="o",
        decision=decision,  # type: ignore[arg-type]
        catalog_id=chosen,
        proposed_catalog_id=first if decision == "review" else None,
        candidates=[Candidate(catalog_id=first, score=0.9)] if first else [],
        reason="test",
        normalized="",
        model="m",
        catalog_version=1,
    )


def test_every_outcome_lands_in_its_column() -> None:
    offers = [
        {"title": "Краска фасадная Exterior 9 л", "expected_catalog_id": "a", "kind": "sibling"},
        {"title": "Краска интерьерная Interior 9 л", "expected_catalog_id": "b", "kind": "sibling"},
        {"title": "Грунт глубокого проникновения 10л", "expected_catalog_id": "c", "kind": "glued"},
        {"title": "Герметик санитарный белый", "expected_catalog_id": "d", "kind": "glued"},
        {"title": "Лак для бани 2,5 л", "expected_catalog_id": None, "kind": "absent"},
        {"title": "Пропитка для камня 5 л", "expected_catalog_id": None, "kind": "absent"},
    ]
    results = [
        result("match", "a", "a"),  # right
        result("match", "a", "a"),  # wrong item (first candidate wrong too)
        result("no_match", None, "c"),  # missed, though first
        result("review", None, "d"),  # sent to a person
        result("match", "b", "b"),  # false match: the item is absent
        result("no_match", None, "b"),  # right no_match
    ]
    items = [
        CatalogItem(catalog_id=i, title=t)
        for i, t in [
            ("a", "Краска фасадная Exterior 9 л"),
            ("b", "Краска интерьерная Interior 9 л"),
            ("c", "Грунт глубокого проникновения 10 л"),
            ("d", "Герметик санитарный белый 280 мл"),
        ]
    ]
    r = report(results, offers, items)
    assert r.offers == 6 and r.absent == 2
    assert r.precision == 1 / 3  # one right of three matches
    assert r.recall == 1 / 4
    assert r.false_match == 1 / 2
    assert r.top1 == 3 / 4  # a, c, d first; b not
    assert r.review == 1 / 6
    assert r.by_kind["sibling"] == {"right": 1, "wrong item": 1}
    assert r.by_kind["glued"] == {"missed": 1, "review": 1}
    assert r.by_kind["absent"] == {"false match": 1, "right no_match": 1}
    assert r.tfidf_top1 == 1.0  # the baseline finds these near-verbatim titles
    assert report(results, offers).tfidf_top1 is None
