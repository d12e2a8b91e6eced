"""Title clean-up that is not colour, memory or brand: Unicode, SIM, network, regions, marketing words."""

from __future__ import annotations

import re
import unicodedata

_SIM_PATTERNS: list[tuple[str, str]] = [
    (r"(?:nano[\s-]*)?sim\s*(?:\+|и|and|&)\s*e[\s-]*sim", "nanosim+esim"),
    (r"(?:dual|2)[\s-]*sim|dualsim|две\s+sim|2\s*сим", "dualsim"),
    (r"e[\s-]*sim(?:\s*only)?", "esim"),
    (r"nano[\s-]*sim", "nanosim"),
]
SIM_TOKENS = frozenset({"nanosim+esim", "dualsim", "esim", "nanosim"})

_NETWORK_PATTERNS: list[tuple[str, str]] = [(r"\blte\b", "4g"), (r"\b([45])\s*g\b", r"\1g")]
NETWORK_TOKENS = frozenset({"4g", "5g"})

# Regional / certification marks: kept as an attribute, dropped from the text.
REGION_TOKENS: dict[str, str] = {
    "eac": "eac",
    "рст": "ru",
    "ростест": "ru",
    "ru": "ru",
    "global": "global",
    "cn": "cn",
    "китай": "cn",
    "eu": "eu",
    "us": "us",
    "usa": "us",
    "jp": "jp",
    "in": "in",
}
_REGION_PHRASES: list[tuple[str, str]] = [
    (r"global\s+version", "global"),
    (r"глобальная\s+версия", "global"),
    (r"china\s+version", "cn"),
]

# fmt: off
MARKETING_WORDS: frozenset[str] = frozenset(
    {
        "new", "новый", "новинка", "original", "оригинал", "оригинальный", "официальный",
        "official", "sale", "hit", "хит", "акция", "скидка", "гарантия", "warranty", "best",
        "price", "цена", "лучшая", "топ", "top", "in", "stock", "наличии", "в", "sealed",
        "запечатанный", "смартфон", "smartphone", "телефон", "мобильный", "сотовый",
        "планшет", "tablet", "express", "доставка", "delivery", "fast", "быстрая", "!!!",
    }
)
# fmt: on

_PUNCT_RE = re.compile(r"[^\w\s/+.()-]")


def fold(title: str) -> str:
    """Unicode-normalise, lowercase, fold ё to е, one dash and one space (punctuation kept)."""
    text = unicodedata.normalize("NFKC", title).lower().replace("ё", "е")
    text = re.sub(r"[‐-―−]", "-", text)
    return text.replace("\u00a0", " ").replace("\t", " ")


def clean(title: str) -> str:
    """:func:`fold`, then punctuation other than ``/+.()-`` dropped and spacing unified."""
    text = _PUNCT_RE.sub(" ", fold(title))
    text = re.sub(r"\(\s*\)", " ", text)
    return " ".join(text.split())


def extract_sim(text: str) -> tuple[str | None, str]:
    """The SIM variant in one spelling, replaced in place (it distinguishes iPhone variants)."""
    for pattern, token in _SIM_PATTERNS:
        m = re.search(rf"(?<!\w){pattern}(?!\w)", text)
        if m:
            return token, " ".join((text[: m.start()] + f" {token} " + text[m.end() :]).split())
    return None, text


def extract_network(text: str) -> tuple[str | None, str]:
    """4g / 5g in one spelling (``lte`` → 4g, ``5 g`` → 5g); kept in the title."""
    found: str | None = None
    for pattern, repl in _NETWORK_PATTERNS:
        text = re.sub(pattern, repl, text)
    for tok in text.split():
        if tok in NETWORK_TOKENS:
            found = tok
    return found, text


def extract_region(text: str) -> tuple[str | None, str]:
    """Regional marks (eac, ростест, global version): an attribute, not part of the identity."""
    region: str | None = None
    for pattern, value in _REGION_PHRASES:
        if re.search(pattern, text):
            region = value
            text = re.sub(pattern, " ", text)
    kept = []
    for tok in text.split():
        if tok in REGION_TOKENS and tok != "in":
            region = region or REGION_TOKENS[tok]
            continue
        kept.append(tok)
    return region, " ".join(kept)


def drop_marketing(tokens: list[str]) -> list[str]:
    """Words that say nothing about which product it is."""
    return [t for t in tokens if t not in MARKETING_WORDS and not re.fullmatch(r"[!.\-+/]+", t)]
