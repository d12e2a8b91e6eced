"""Domain profiles: how listings are read and which attributes guard a match.

The generic profile is the default for any catalog; the phones profile is the seed's domain. A
profile is a setting (``MATCHER_PROFILE``) and is recorded with a trained model (its decision
config); its name and version are part of the catalog's namespace in Redis, since the text it
produces is what the catalog's vectors embed.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from matcher.normalize import generic, phones
from matcher.normalize.attributes import Normalized

DEFAULT_PROFILE = "generic"
# Defaults of the score fusion and threshold per profile, for a model with no decision config of
# its own (``matcher eval --write-threshold`` calibrates one on the user's data).
GENERIC_LEXICAL_WEIGHT = 0.5
GENERIC_THRESHOLD = 0.6
PHONES_LEXICAL_WEIGHT = 0.0
PHONES_THRESHOLD = 0.80


@dataclass(frozen=True)
class Profile:
    """A normalizer and the guards that hold for what it reads."""

    name: str
    version: str
    normalize: Callable[[str, Mapping[str, object] | None], Normalized]
    guards: tuple[str, ...]
    # The score is (1 - w) · dense cosine + w · lexical cosine; the threshold is on that score.
    lexical_weight: float = 0.0
    threshold: float = 0.80
    # Brands the catalog states are looked for in titles that state none (generic).
    catalog_brands: bool = False

    @property
    def tag(self) -> str:
        """Name and version, as it goes into the catalog namespace."""
        return f"{self.name}{self.version}"


PROFILES: dict[str, Profile] = {
    "generic": Profile(
        "generic",
        generic.VERSION,
        generic.normalize,
        (
            "volume",
            "mass",
            "length",
            "pieces",
            "power",
            "voltage",
            "rom",
            "size",
            "color",
            "codes",
            "marks",
            "brand",
        ),
        lexical_weight=GENERIC_LEXICAL_WEIGHT,
        threshold=GENERIC_THRESHOLD,
        catalog_brands=True,
    ),
    "phones": Profile(
        "phones",
        phones.VERSION,
        phones.normalize,
        ("ram", "rom", "color", "model", "brand", "line", "category", "connectivity"),
        lexical_weight=PHONES_LEXICAL_WEIGHT,
        threshold=PHONES_THRESHOLD,
    ),
}


def get_profile(name: str) -> Profile:
    try:
        return PROFILES[name]
    except KeyError:
        raise ValueError(f"unknown profile {name!r}; choose from {', '.join(PROFILES)}") from None
