"""Profiles: each is one consistent domain, and ``auto`` picks the one a catalog needs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from matcher import profiles
from matcher.catalog import CatalogItem
from matcher.lab.datagen import build_market
from matcher.lab.datagen.hardware import build_hardware_market
from matcher.profiles import PROFILES, detect
from tests.fakes import HashEncoder

FIXTURES = Path(__file__).parent / "fixtures"
SAMPLES = [
    "xiaomi redmi note 14 8/256gb зеленый (green)",
    "Шина Nokian Tyres Hakkapeliitta 10p 205/55 R16 94T XL шип.",
    "Краска фасадная акриловая белая 10 л (арт. KL0063)",
    "iPhone 15 128GB Black 12 990 руб",
    "",
]


@pytest.mark.parametrize("name", list(PROFILES))
def test_a_profile_reads_only_its_own_attributes(name: str) -> None:
    profile = PROFILES[name]
    for title in SAMPLES:
        n = profile.normalize(title, {"color": "black", "цвет": "синий", "brand": "Acme"})
        assert set(n.attributes) <= set(profile.schema.names), (name, title, n.attributes)
        assert isinstance(n.text, str)
    assert profile.threshold > 0 and 0 <= profile.lexical_weight <= 1
    assert profile.tag.startswith(name)


def _fixture(folder: str) -> list[tuple[str, dict[str, object] | None]]:
    rows = [json.loads(x) for x in (FIXTURES / folder / "catalog.jsonl").open(encoding="utf-8")]
    return [(r["title"], r.get("attributes") or None) for r in rows]


def test_auto_picks_the_profile_each_catalog_needs() -> None:
    phones = [(p.catalog_title, None) for p in build_market(42).catalog.values()]
    hardware = [
        (str(p["title"]), p.get("attributes")) for p in build_hardware_market(7, 60).catalog
    ]
    chosen = {
        "generated phones": detect(phones).profile.name,
        "hand-written phones": detect(_fixture("phones_heldout")).profile.name,
        "generated hardware": detect(hardware).profile.name,
        "hand-written tyres": detect(_fixture("tyres_handwritten")).profile.name,
        "Russian chemicals": detect(_fixture("ru_chemicals_dev")).profile.name,
    }
    assert chosen == {
        "generated phones": "phones",
        "hand-written phones": "phones",
        "generated hardware": "generic",
        "hand-written tyres": "tyres",
        "Russian chemicals": "generic",
    }


def test_a_mixed_catalog_is_read_generically_below_the_share() -> None:
    """Phones with their accessories are a phone shop; phones among household goods are not."""
    phones = [(p.catalog_title, None) for p in list(build_market(42).catalog.values())[:60]]
    cases = [
        ("Чехол-книжка для Xiaomi Redmi Note 14 черный", None),
        ("Защитное стекло для Samsung Galaxy A55", None),
    ] * 20
    assert detect(phones + cases).profile.name == "phones"
    household = [(t, None) for t, _ in _fixture("ru_chemicals_dev")[:140]]
    found = detect(phones + household)
    assert found.profile.name == "generic" and 0.2 < found.shares["phones"] < 0.5
    assert "phones" in found.describe()
    assert detect(phones + household, min_share=0.2).profile.name == "phones"


def test_an_explicit_profile_always_wins(tmp_path: Path) -> None:
    from streams.components import choose_profile
    from streams.settings import Settings

    class Model(HashEncoder):
        path = str(tmp_path)

    items = [
        CatalogItem(str(i), p.catalog_title)
        for i, p in enumerate(build_market(42).catalog.values())
    ]
    auto, why = choose_profile(Settings(profile="auto"), Model(), items[:200])  # type: ignore[arg-type]
    assert auto.name == "phones" and why.startswith("phones (auto:")
    named, why = choose_profile(Settings(profile="generic"), Model(), items[:200])  # type: ignore[arg-type]
    assert named.name == "generic" and "MATCHER_PROFILE" in why
    # A model trained to read one profile's text names it too.
    (tmp_path / "matcher.json").write_text(
        json.dumps({"training": {"config": {"profile": "tyres"}}})
    )
    trained, why = choose_profile(Settings(profile="auto"), Model(), items[:200])  # type: ignore[arg-type]
    assert trained.name == "tyres" and "trained" in why


def test_unknown_profile_names_the_choices() -> None:
    with pytest.raises(ValueError, match="auto, generic, phones"):
        profiles.get("grocery")
