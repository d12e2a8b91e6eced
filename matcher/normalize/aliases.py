"""Brand and series aliases: ``redmi``, ``poco``, ``mi`` → xiaomi; ``galaxy`` → samsung; ``iphone`` → apple.

A series name alone implies its brand, so the brand is put in front of it. A title that names no
brand and no aliased series stays as it is: ``note 14`` could be Redmi or Infinix, and we never guess.
"""

from __future__ import annotations

import re

# series token -> brand that owns it
SERIES_BRAND: dict[str, str] = {
    "redmi": "xiaomi",
    "poco": "xiaomi",
    "galaxy": "samsung",
    "iphone": "apple",
    "ipad": "apple",
    "macbook": "apple",
    "airpods": "apple",
    "pixel": "google",
}

# Brands a title may name; with SERIES_BRAND applied, a series implies its brand.
BRANDS: frozenset[str] = frozenset(
    {"xiaomi", "samsung", "apple", "google", "realme", "infinix", "tecno", "honor", "huawei",
     "oneplus", "motorola", "vivo", "oppo", "nokia", "nothing", "zte", "asus", "sony", "meizu"}
)  # fmt: skip

# brand spellings -> canonical brand
BRAND_SPELLINGS: dict[str, str] = {
    "сяоми": "xiaomi",
    "ксиоми": "xiaomi",
    "xiomi": "xiaomi",
    "xaomi": "xiaomi",
    "самсунг": "samsung",
    "эпл": "apple",
    "айфон": "iphone",
    "хонор": "honor",
    "хуавей": "huawei",
    "реалми": "realme",
    "инфиникс": "infinix",
    "текно": "tecno",
    "oneplus": "oneplus",
    "one plus": "oneplus",
}

# A Samsung model code without "galaxy": a15, s24, f15, m34, z flip 6 …
_SAMSUNG_MODEL_RE = re.compile(r"^(?:[asmfz]\d{1,3}[a-z]?|z|note\d*|tab|fold\d*|flip\d*)$")


def apply(tokens: list[str]) -> list[str]:
    """Insert the owning brand before a series, and ``galaxy`` after a bare ``samsung``."""
    out: list[str] = []
    for i, tok in enumerate(tokens):
        prev = out[-1] if out else None
        nxt = tokens[i + 1] if i + 1 < len(tokens) else None
        if tok == "mi" and nxt is not None and (nxt[0].isdigit() or nxt in {"note", "pad", "mix"}):
            if prev != "xiaomi":
                out.append("xiaomi")
            continue
        brand = SERIES_BRAND.get(tok)
        if brand and prev != brand:
            out.append(brand)
        out.append(tok)
        if tok == "samsung" and nxt is not None and _SAMSUNG_MODEL_RE.match(nxt):
            out.append("galaxy")
    return out


def brand_of(tokens: list[str]) -> str | None:
    """The first brand a (normalized) title names, or None."""
    return next((t for t in tokens if t in BRANDS), None)


def fold_spellings(text: str) -> str:
    """Latin brand names for Cyrillic or misspelt ones."""
    for spelling, brand in BRAND_SPELLINGS.items():
        text = re.sub(rf"(?<!\w){re.escape(spelling)}(?!\w)", brand, text)
    return text
