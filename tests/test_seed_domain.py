"""The seed model card's own examples, through the real pipeline with the default model."""

from __future__ import annotations

import pytest

from matcher.catalog import CatalogItem
from matcher.catalog.ingest import build_index
from matcher.decision import DecisionConfig
from matcher.encoding import Encoder
from matcher.events import Offer
from matcher.pipeline import Decisions, MatchPipeline
from matcher.profiles import get

# The seed card's widget: five offers, each with three candidate sentences; all fifteen form the catalog.
WIDGET: dict[str, list[str]] = {
    "note 14 4g 8/256gb (green) | color: green, ram: 8, rom: 256gb": [
        "poco x7 12/512gb серебро (silver) | color: silver, ram: 12, rom: 512gb",
        "apple iphone 16 pro 128gb пустынный титан (desert titanium) esim | color: desert titanium, ram: 8, rom: 128gb",
        "xiaomi redmi note 14 8/256gb зеленый (green) | color: green, ram: 8, rom: 256gb",
    ],
    "infinix hot 50 6/256gb (gray) | color: gray, ram: 6, rom: 256gb": [
        "infinix hot 50 6/256gb зеленый (sage green) eac | color: sage green, ram: 6, rom: 256gb",
        "xiaomi redmi 14c 8/256gb фиолетовый (purple) | color: purple, ram: 8, rom: 256gb",
        "apple iphone 15 256gb черный (black) nano sim + esim | color: black, ram: nan, rom: 256gb",
    ],
    "note 14 pro 8/256gb (ocean blue) | color: ocean blue, ram: 8, rom: 256gb": [
        "apple ipad air 13 (2024) 1tb wi-fi серый космос (space gray) | color: space gray, ram: nan, rom: 1024gb",
        "xiaomi redmi note 14 pro 8/256gb белый (white) | color: white, ram: 8, rom: 256gb",
        "xiaomi redmi pad se 4g 8.7 4/128gb синий (blue) | color: blue, ram: 4, rom: 128gb",
    ],
    "poco m6 pro 12/512gb (purple) | color: purple, ram: 12, rom: 512gb": [
        "realme 12+ 8/256gb зеленый (green) eac | color: green, ram: 8, rom: 256gb",
        "apple iphone 14 256gb темная ночь (midnight) nano sim + esim | color: midnight, ram: nan, rom: 256gb",
        "poco m6 pro 12/512gb синий (blue) | color: blue, ram: 12, rom: 512gb",
    ],
    "mi 14t 5g 12/256gb (green) | color: green, ram: 12, rom: 256gb": [
        "infinix note 30i 8/128gb черный (black) eac | color: black, ram: 8, rom: 128gb",
        "xiaomi 14t 12/256gb зелёный (lemon green) | color: lemon green, ram: 12, rom: 256gb",
        "poco c61 4/128gb белый (white) | color: white, ram: 4, rom: 128gb",
    ],
}
# offer -> (same model and memory in the catalog, expected decision)
EXPECTED = {
    "note 14 4g": ("xiaomi redmi note 14 8/256gb зеленый (green)", "match"),
    "infinix hot 50": ("infinix hot 50 6/256gb зеленый (sage green) eac", "no_match"),
    "note 14 pro": ("xiaomi redmi note 14 pro 8/256gb белый (white)", "no_match"),
    "poco m6 pro": ("poco m6 pro 12/512gb синий (blue)", "no_match"),
    "mi 14t": ("xiaomi 14t 12/256gb зелёный (lemon green)", "match"),
}
# The seed's training samples that say match / no match.
SEED_PAIRS = [
    ("samsung f15 4/128gb (purple) | color: purple, ram: 4, rom: 128gb",
     "samsung galaxy f15 4/128gb фиолетовый | color: purple, ram: 4, rom: 128gb", "match"),
    ("realme c61 6/128gb (gold) | color: gold, ram: 6, rom: 128gb",
     "realme c61 6/256gb золотой (gold) | color: gold, ram: 6, rom: 256gb", "no_match"),
]  # fmt: skip

PHONES = get("phones")


@pytest.fixture(scope="module")
def widget_pipeline(encoder: Encoder) -> tuple[MatchPipeline, dict[str, str]]:
    sentences = [s for cands in WIDGET.values() for s in cands] + [p[1] for p in SEED_PAIRS]
    items = [CatalogItem(f"w{i}", s) for i, s in enumerate(sentences)]
    index = build_index(items, encoder, PHONES, progress=False)
    # the matcher's own verdict (reviews off: what a person would see is tested elsewhere)
    config = DecisionConfig(threshold=0.8, profile="phones", review_band=0.0)
    decisions = Decisions(config, top_k=5)
    pipeline = MatchPipeline(encoder, lambda: index, decisions)
    return pipeline, {it.catalog_id: it.title.split(" | ")[0] for it in items}


@pytest.mark.parametrize("offer", list(WIDGET))
def test_widget_top_candidate_and_decision(
    widget_pipeline: tuple[MatchPipeline, dict[str, str]], offer: str
) -> None:
    pipeline, titles = widget_pipeline
    key = next(k for k in EXPECTED if offer.startswith(k + " "))
    want_top, want_decision = EXPECTED[key]
    (result,) = pipeline.match([Offer(offer_id="o", title=offer)])
    assert titles[result.candidates[0].catalog_id] == want_top
    assert result.decision == want_decision
    if want_decision == "match":
        assert result.catalog_id == result.candidates[0].catalog_id and result.reason == "match"
    else:
        assert (
            result.catalog_id is None
            and result.reason.startswith("conflict:")
            and "color" in result.reason
        )


@pytest.mark.parametrize(("offer", "catalog", "decision"), SEED_PAIRS)
def test_seed_training_samples(
    widget_pipeline: tuple[MatchPipeline, dict[str, str]], offer: str, catalog: str, decision: str
) -> None:
    pipeline, titles = widget_pipeline
    (result,) = pipeline.match([Offer(offer_id="o", title=offer)])
    assert titles[result.candidates[0].catalog_id] == catalog.split(" | ")[0]
    assert result.decision == decision
    if decision == "no_match":
        assert result.reason == "conflict:rom"
