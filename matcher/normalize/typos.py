"""Spelling repair for the words that carry identity: brands, series and colours.

Suppliers type ``motroola``, ``ihpone``, ``wihte``, ``роозвый``. A word one edit (or one swap of
neighbouring letters) away from exactly one known word is replaced by it; anything else is left
alone, so a new model name is never "corrected" into an old one.
"""

from __future__ import annotations

from functools import lru_cache

from matcher.normalize import aliases, colors

VARIANT_WORDS = frozenset(
    {
        "pro",
        "max",
        "plus",
        "ultra",
        "lite",
        "mini",
        "fe",
        "neo",
        "prime",
        "power",
        "xl",
        "se",
        "air",
    }
)
_BRANDS = frozenset(
    {"xiaomi", "redmi", "poco", "samsung", "galaxy", "apple", "iphone", "ipad", "google", "pixel",
     "realme", "infinix", "tecno", "honor", "huawei", "oneplus", "motorola", "vivo", "nokia",
     "nothing", "oppo", "nova", "spark", "camon", "pova", "narzo", "magic", "smart", "note"}
)  # fmt: skip
# Common words near a known one (phone ~ iphone): known, so never "repaired".
_PROTECTED = frozenset(
    {"phone", "tablet", "mobile", "dual", "version", "edition", "global", "black"}
)


@lru_cache(maxsize=1)
def vocabulary() -> frozenset[str]:
    words = (
        set(_BRANDS)
        | _PROTECTED
        | set(aliases.SERIES_BRAND)
        | colors.BASE_COLORS
        | colors.SHADES
        | VARIANT_WORDS
    )
    words |= set(colors.LATIN_SYNONYMS) | {
        w for k in colors.all_cyrillic_forms() for w in k.split()
    }
    return frozenset(w for w in words if len(w) >= 4)


def _one_edit(a: str, b: str) -> bool:
    """Whether a and b differ by one insertion, deletion, substitution or adjacent swap."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diff = [i for i in range(len(a)) if a[i] != b[i]]
        if len(diff) == 1:
            return True
        return (
            len(diff) == 2
            and diff[1] == diff[0] + 1
            and a[diff[0]] == b[diff[1]]
            and a[diff[1]] == b[diff[0]]
        )
    short, long_ = (a, b) if len(a) < len(b) else (b, a)
    i = 0
    while i < len(short) and short[i] == long_[i]:
        i += 1
    return short[i:] == long_[i + 1 :]


@lru_cache(maxsize=4096)
def repair(word: str) -> str:
    """The known word ``word`` was meant to be, or ``word`` itself."""
    if len(word) < 4 or not word.isalpha() or word in vocabulary():
        return word
    hits = [v for v in vocabulary() if _one_edit(word, v)]
    if len(word) == 4:  # short words: only a swap of neighbours counts
        hits = [v for v in hits if len(v) == 4 and sorted(v) == sorted(word)]
    return hits[0] if len(hits) == 1 else word
