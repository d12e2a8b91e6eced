"""The phone domain: brands, series, model families, memory variants and colours.

Each family is the unit of the train / valid / test split, so a family's models (``note 14``,
``note 14 pro``, ``note 14 pro+``) and their hard negatives stay together in one split.
"""

from __future__ import annotations

from dataclasses import dataclass

# (russian, english) colour names as the catalog writes them
# fmt: off
COLORS: list[tuple[str, str]] = [
    ("черный", "black"), ("белый", "white"), ("серый", "gray"), ("серебристый", "silver"),
    ("золотой", "gold"), ("зеленый", "green"), ("зелёный", "lemon green"), ("зеленый", "sage green"),
    ("зеленый", "mint green"), ("синий", "blue"), ("синий", "ocean blue"), ("голубой", "sky blue"),
    ("фиолетовый", "purple"), ("фиолетовый", "lavender purple"), ("розовый", "pink"),
    ("красный", "red"), ("желтый", "yellow"), ("оранжевый", "orange"), ("серый", "space gray"),
    ("черный", "midnight black"), ("синий", "deep blue"), ("бежевый", "beige"),
    ("серый", "graphite gray"), ("голубой", "ice blue"), ("зеленый", "forest green"),
]
# fmt: off
APPLE_COLORS: list[tuple[str, str]] = [
    ("черный", "black"), ("белый", "white"), ("темная ночь", "midnight"),
    ("сияющая звезда", "starlight"), ("синий", "blue"), ("розовый", "pink"), ("зеленый", "green"),
    ("желтый", "yellow"), ("пустынный титан", "desert titanium"),
    ("натуральный титан", "natural titanium"), ("черный титан", "black titanium"),
    ("белый титан", "white titanium"), ("серый космос", "space gray"), ("фиолетовый", "purple"),
]
# fmt: on
# fmt: on

# fmt: off
ANDROID_MEMORY: list[tuple[int, int]] = [
    (3, 64), (4, 64), (4, 128), (6, 128), (8, 128), (4, 256), (6, 256), (8, 256), (12, 256),
    (8, 512), (12, 512), (16, 512), (16, 1024), (12, 1024),
]
APPLE_MEMORY: list[int] = [64, 128, 256, 512, 1024]
SIM_MARKS = ["esim", "nano sim + esim", "dualsim"]
# fmt: on


@dataclass(frozen=True)
class Family:
    """Models that are easy to confuse with each other (one generation of one line)."""

    brand: str  # canonical brand, always in the catalog title
    series: str  # a series word between brand and model ("redmi", "galaxy"), may be ""
    models: tuple[str, ...]  # model names after the series
    apple: bool = False
    network: str = ""  # "4g"/"5g" that suppliers sometimes add

    @property
    def prefix(self) -> str:
        return f"{self.brand} {self.series}".strip()

    @property
    def key(self) -> str:
        return f"{self.prefix} {self.models[0]}"


def _join(base: str, suffix: str) -> str:
    """``13`` + ``c`` → ``13c``, ``14`` + ``t pro`` → ``14t pro``, ``14`` + ``pro`` → ``14 pro``."""
    if not suffix:
        return base
    if len(suffix) == 1 or suffix[1] == " ":
        return base + suffix
    return f"{base} {suffix}"


def _gen(
    brand: str, series: str, lines: list[tuple[str, list[str]]], network: str = ""
) -> list[Family]:
    """Families from ``(base, [suffixes])``: ``("note 14", ["", "pro", "pro+"])``."""
    out = []
    for base, suffixes in lines:
        models = tuple(_join(base, s) for s in suffixes)
        out.append(Family(brand, series, models, network=network))
    return out


def families() -> list[Family]:
    """Every model family of the synthetic market (in catalog and not)."""
    fam: list[Family] = []
    for g in ("12", "13", "14", "15"):
        fam += _gen("xiaomi", "redmi", [(f"note {g}", ["", "pro", "pro+", "s"])], "4g")
    for g in ("12", "13", "14", "15"):
        fam += _gen("xiaomi", "redmi", [(g, ["", "c"])])
    fam += _gen("xiaomi", "redmi", [("a3", ["", "x"]), ("a5", [""]), ("pad se", ["8.7", "11"])])
    for g in ("13", "14", "15"):
        fam += _gen("xiaomi", "", [(g, ["", "t", "t pro", "ultra"])], "5g")
    for g in ("x6", "x7", "f6", "m6", "c61", "c65", "c75", "f7", "x5"):
        fam += _gen("xiaomi", "poco", [(g, ["", "pro"])])
    for g in ("13", "14", "15", "16"):
        fam.append(
            Family(
                "apple",
                "iphone",
                tuple(_join(g, s) for s in ["", "plus", "pro", "pro max"]),
                apple=True,
            )
        )
    fam.append(Family("apple", "ipad", ("air 11 (2024)", "air 13 (2024)"), apple=True))
    fam.append(Family("apple", "ipad", ("pro 11 (2024)", "pro 13 (2024)"), apple=True))
    fam.append(Family("apple", "ipad", ("mini (2024)", "10.9 (2022)"), apple=True))
    for g in ("a05", "a15", "a25", "a35", "a55", "a16", "a26", "a56"):
        fam += _gen("samsung", "galaxy", [(g, ["", "s"])])
    for g in ("s23", "s24", "s25"):
        fam += _gen("samsung", "galaxy", [(g, ["", "+", "ultra", "fe"])], "5g")
    for g in ("f15", "f55", "m15", "m35", "m55"):
        fam += _gen("samsung", "galaxy", [(g, [""])])
    fam += _gen("samsung", "galaxy", [("z flip", ["5", "6"]), ("z fold", ["5", "6"])])
    for g in ("c61", "c63", "c65", "c67", "c75"):
        fam += _gen("realme", "", [(g, [""])])
    for g in ("11", "12", "13", "14"):
        fam += _gen("realme", "", [(g, ["", "+", "pro", "pro+"])])
    fam += _gen(
        "realme", "", [("note 50", ["", "60"]), ("gt 6", ["", "t"]), ("narzo 70", ["", "pro"])]
    )
    for g in ("hot 40", "hot 50", "note 30", "note 40", "smart 8", "smart 9", "zero 30", "gt 20"):
        fam += _gen("infinix", "", [(g, ["", "i", "pro"])])
    for g in ("spark 20", "spark 30", "camon 30", "pova 6", "pop 8", "pop 9"):
        fam += _gen("tecno", "", [(g, ["", "c", "pro"])])
    for g in ("x9b", "x9c", "x8b", "x7c", "x6b"):
        fam += _gen("honor", "", [(g, [""])])
    for g in ("90", "200", "400"):
        fam += _gen("honor", "", [(g, ["", "lite", "pro"])])
    fam += _gen("honor", "", [("magic 6", ["pro", "lite"]), ("magic 7", ["pro", "lite"])])
    for g in ("nova 11", "nova 12", "nova 13"):
        fam += _gen("huawei", "", [(g, ["", "i", "s", "pro"])])
    fam += _gen(
        "huawei",
        "",
        [("pura 70", ["", "pro", "ultra"]), ("nova y72", ["", "s"]), ("mate 60", ["", "pro"])],
    )
    for g in ("7", "8", "9"):
        fam += _gen("google", "pixel", [(g, ["", "a", "pro", "pro xl"])], "5g")
    for g in ("11", "12", "13"):
        fam += _gen("oneplus", "", [(g, ["", "r"])], "5g")
    fam += _gen(
        "oneplus", "", [("nord ce4", ["", "lite"]), ("nord 4", [""]), ("nord ce3", ["", "lite"])]
    )
    for g in ("y36", "y28", "v30", "v40", "x100"):
        fam += _gen("vivo", "", [(g, ["", "pro"])])
    for g in ("g54", "g84", "g85", "edge 40", "edge 50"):
        fam += _gen("motorola", "", [(g, ["", "pro" if "edge" in g else "power"])])
    return fam
