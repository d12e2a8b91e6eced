"""The matching pipeline and the shared batch path, with the hash encoder (no model needed)."""

from __future__ import annotations

import json

import numpy as np

from matcher.batch import RawRecord
from matcher.catalog import CatalogItem
from matcher.catalog.index import CatalogIndex
from matcher.catalog.ingest import build_index, reading
from matcher.decision import Band, DecisionConfig
from matcher.events import Offer
from matcher.pipeline import Decisions, MatchPipeline
from matcher.profiles import get
from tests.fakes import HashEncoder, batch_matcher

PHONES = get("phones")


def pipeline(
    items: list[CatalogItem], config: DecisionConfig, reranker: object = None
) -> MatchPipeline:
    enc = HashEncoder()
    index = build_index(items, enc, PHONES, progress=False)  # type: ignore[arg-type]
    decisions = Decisions(config, reranker=reranker, top_k=2)  # type: ignore[arg-type]
    return MatchPipeline(enc, lambda: index, decisions)  # type: ignore[arg-type]


def variants(n: int) -> list[CatalogItem]:
    """``n`` black variants that embed close to the offer, and one green one."""
    items = [CatalogItem(f"black-{i}", f"redmi 13c 8/256gb black (black) v{i}") for i in range(n)]
    return [*items, CatalogItem("green", "redmi 13c 8/256gb green (green) edition with extras")]


def test_guards_find_the_right_variant_beyond_the_top_k() -> None:
    pipe = pipeline(variants(12), DecisionConfig(threshold=0.3))
    (result,) = pipe.match([Offer(offer_id="o", title="redmi 13c 8/256gb green")])
    assert "green" not in [c.catalog_id for c in result.candidates]  # outscored by 12 siblings
    assert result.decision == "match" and result.catalog_id == "green"
    plain = pipeline(variants(12), DecisionConfig(threshold=0.3, guards=()))
    (unguarded,) = plain.match([Offer(offer_id="o", title="redmi 13c 8/256gb green")])
    assert unguarded.catalog_id != "green"


def test_empty_catalog() -> None:
    enc = HashEncoder()
    empty = CatalogIndex.from_items(
        [], [], [], np.zeros((0, enc.dim), dtype=np.float32), reading(PHONES), PHONES.schema
    )
    pipe = MatchPipeline(enc, lambda: empty, Decisions(DecisionConfig()))  # type: ignore[arg-type]
    (result,) = pipe.match([Offer(offer_id="o", title="anything")])
    assert (result.decision, result.reason, result.candidates, result.score) == (
        "no_match",
        "empty_catalog",
        [],
        None,
    )


def test_second_stage_overrides_the_verdict() -> None:
    class Judge:
        band = Band(low=-1.0, high=1.01, threshold=0.5)

        def __init__(self, p: float) -> None:
            self.p = p

        def probabilities(self, pairs: list[tuple[str, str]]) -> np.ndarray:
            return np.full(len(pairs), self.p, dtype=np.float32)

    items = [CatalogItem("a", "poco x6 8/256gb blue"), CatalogItem("b", "realme c61 4/128 gold")]
    offer = Offer(offer_id="o", title="poco x6 8/256gb blue")
    (yes,) = pipeline(items, DecisionConfig(threshold=0.99), Judge(0.9)).match([offer])
    assert (yes.decision, yes.catalog_id, yes.reason) == ("match", "a", "rerank:match")
    (no,) = pipeline(items, DecisionConfig(threshold=0.0), Judge(0.1)).match([offer])
    assert (no.decision, no.catalog_id, no.reason) == ("no_match", None, "rerank:no_match")


def test_batch_path_dead_letters_and_results_in_order() -> None:
    pipe = pipeline([CatalogItem("a", "poco x6 8/256gb blue")], DecisionConfig(threshold=0.5))
    records = [
        RawRecord(json.dumps({"offer_id": "o1", "title": "poco x6 8/256 blue"}).encode(), b"o1"),
        RawRecord(b"{oops", b"k", "offers", 2, 40),
        RawRecord(json.dumps({"offer_id": "o2", "title": "poco x6 blue"}).encode(), b"o2"),
    ]
    outputs = batch_matcher(pipe).run(records)
    assert [(o.kind, o.key) for o in outputs] == [
        ("dead", b"k"),
        ("result", b"o1"),
        ("result", b"o2"),
    ]
    dead = json.loads(outputs[0].value)
    assert (dead["error_class"], dead["source_partition"], dead["source_offset"]) == (
        "invalid_json",
        2,
        40,
    )
    assert json.loads(outputs[1].value)["catalog_id"] == "a"
