from __future__ import annotations

import pytest

from matcher.normalize.colors import canonical, compatible
from tests.fakes import Listing, read


def normalize(title: str, attributes: dict[str, object] | None = None) -> Listing:
    return read("phones", title, attributes)


@pytest.mark.parametrize(
    ("title", "text"),
    [
        ("note 14 4g 8/256gb (green)", "note 14 4g 8/256gb | color: green, ram: 8, rom: 256gb"),
        (
            "xiaomi redmi note 14 8/256gb зеленый (green)",
            "xiaomi redmi note 14 8/256gb | color: green, ram: 8, rom: 256gb",
        ),
        (
            "apple iphone 16 pro 128gb пустынный титан (desert titanium) esim",
            "apple iphone 16 pro 128gb esim | color: desert titanium, ram: nan, rom: 128gb",
        ),
        (
            "samsung f15 4/128gb (purple)",
            "samsung galaxy f15 4/128gb | color: purple, ram: 4, rom: 128gb",
        ),
        (
            "samsung galaxy f15 4/128gb фиолетовый",
            "samsung galaxy f15 4/128gb | color: purple, ram: 4, rom: 128gb",
        ),
        (
            "mi 14t 5g 12/256gb (green)",
            "xiaomi 14t 5g 12/256gb | color: green, ram: 12, rom: 256gb",
        ),
        (
            "poco x7 12/512gb серебро (silver)",
            "xiaomi poco x7 12/512gb | color: silver, ram: 12, rom: 512gb",
        ),
        (
            "Смартфон Xiaomi Redmi Note 14 8GB 256GB черная",
            "xiaomi redmi note 14 8/256gb | color: black, ram: 8, rom: 256gb",
        ),
        (
            "realme 12+ 8/256gb зеленый (green) eac",
            "realme 12 plus 8/256gb | color: green, ram: 8, rom: 256gb",
        ),
    ],
)
def test_seed_text_form(title: str, text: str) -> None:
    assert normalize(title).text == text


@pytest.mark.parametrize(
    ("memory", "ram", "rom"),
    [
        ("8/256gb", 8, 256),
        ("8+256", 8, 256),
        ("8gb 256gb", 8, 256),
        ("256гб", None, 256),
        ("1tb", None, 1024),
        ("12/1tb", 12, 1024),
        ("8GB/128GB", 8, 128),
        ("6/128гб", 6, 128),
    ],
)
def test_memory_formats(memory: str, ram: int | None, rom: int) -> None:
    attrs = normalize(f"honor x9c {memory} black").attributes
    assert (attrs.ram, attrs.rom) == (ram, rom)


def test_screen_size_and_year_are_not_memory() -> None:
    a = normalize("xiaomi redmi pad se 4g 8.7 4/128gb синий (blue)").attributes
    assert (a.ram, a.rom, a.network) == (4, 128, "4g")
    b = normalize("apple ipad air 13 (2024) 1tb wi-fi серый космос (space gray)").attributes
    assert (b.ram, b.rom, b.color) == (None, 1024, "space gray")


def test_unknown_stays_unknown() -> None:
    n = normalize("note 14 pro")
    assert n.attributes.color is None and n.attributes.ram is None and n.attributes.rom is None
    assert n.text.endswith("| color: nan, ram: nan, rom: nan")
    assert normalize("gadget 256gb (cosmic sparkle unicorn)").attributes.color is None


def test_sim_network_region() -> None:
    a = normalize("apple iphone 15 256gb черный (black) nano sim + esim").attributes
    assert a.sim == "nanosim+esim"
    assert normalize("iphone 15 256gb dual sim").attributes.sim == "dualsim"
    assert normalize("redmi note 13 pro lte 8/256").attributes.network == "4g"
    r = normalize("infinix hot 50 6/256gb зеленый (sage green) eac")
    assert r.attributes.region == "eac" and "eac" not in r.title


def test_aliases_do_not_guess() -> None:
    assert normalize("redmi 13c 4/128").title.startswith("xiaomi redmi 13c")
    assert normalize("galaxy a15 4/128").title.startswith("samsung galaxy a15")
    assert normalize("iphone 15 128gb").title.startswith("apple iphone 15")
    assert normalize("note 14 8/256").title.startswith("note 14")  # Redmi or Infinix: unknown


def test_explicit_attributes_win() -> None:
    a = normalize(
        "redmi note 14 8/256 black", {"color": "зеленый", "ram": "12", "rom": "512gb"}
    ).attributes
    assert (a.color, a.color_ru, a.ram, a.rom) == (None, "green", 12, 512)  # the title lost


def test_cyrillic_and_latin_colours_fold() -> None:
    assert canonical("зелёный") == "green"
    assert canonical("черная") == "black"
    assert canonical("серый космос") == "space gray"
    assert canonical("Grey") == "gray"
    assert canonical("lemon green") == "lemon green"
    assert canonical("wi-fi") is None


@pytest.mark.parametrize(
    ("a", "b", "ok"),
    [
        ("green", "lemon green", True),
        ("gray", "space gray", True),
        ("grey", "gray", True),
        ("gray", "sage green", False),
        ("ocean blue", "white", False),
        ("purple", "blue", False),
        ("lemon green", "sage green", False),
        (None, "blue", True),
        ("black titanium", "titanium black", True),
    ],
)
def test_colour_compatibility(a: str | None, b: str | None, ok: bool) -> None:
    assert compatible(a, b) is ok


@pytest.mark.parametrize(
    ("typo", "fixed"),
    [
        ("motroola g85", "motorola g85"),
        ("apple ihpone 15", "apple iphone 15"),
        ("raelme 12", "realme 12"),
    ],
)
def test_brand_typos_are_repaired(typo: str, fixed: str) -> None:
    assert normalize(typo).title == fixed


@pytest.mark.parametrize(
    ("word", "color"), [("wihte", "white"), ("роозвый", "pink"), ("space gary", "space gray")]
)
def test_colour_typos_are_repaired(word: str, color: str) -> None:
    a = normalize(f"tecno pova 6 8/128 {word}").attributes
    assert (a.color or a.color_ru) == color


def test_unknown_words_are_not_corrected_into_known_ones() -> None:
    assert normalize("honor magic 7 lite").title == "honor magic 7 lite"
    assert normalize("nothing phone 2a").title == "nothing phone 2a"


def test_model_signature_tells_siblings_apart() -> None:
    sig = {t: normalize(t).attributes.model for t in [
        "note 14 8/256", "xiaomi redmi note 14 pro 8/256gb", "realme 12+ 8/256", "realme 12 plus",
        "apple ipad air 13 (2024) 1tb", "ipad air 13 256gb", "mi 14t 5g", "xiaomi 14t", "galaxy s24 ultra"]}  # fmt: skip
    assert sig["note 14 8/256"] == "14 note"  # "note 14" is not "redmi 14"
    assert sig["xiaomi redmi note 14 pro 8/256gb"] == "14 note pro"
    assert sig["realme 12+ 8/256"] == sig["realme 12 plus"] == "12 plus"
    assert sig["apple ipad air 13 (2024) 1tb"] == sig["ipad air 13 256gb"] == "13 air"
    assert sig["mi 14t 5g"] == sig["xiaomi 14t"] == "14t"
    assert sig["galaxy s24 ultra"] == "s24 ultra"
    assert normalize("gold edition").attributes.model is None
    assert normalize("apple ipad mini (2024) 64gb").attributes.model == "mini"
    assert normalize("redmi 12 8/256").attributes.brand == "xiaomi"
    assert normalize("note 14 8/256").attributes.brand is None
