"""The tyres profile: passenger and light-truck tyres as Russian retailers and dealers list them.

A tyre is its size (width / aspect ratio, rim: ``205/55 R16`` — also written ``205/55R16``,
``205 55 16``, ``205/55/16``, ``R16 205/55``, ``205.55.16``), its load and speed indices
(``94T``, ``109/107T``; a Cyrillic ``Т`` or ``Н`` is read as the Latin letter), the season and,
for winter tyres, studs (``шип`` / ``нешип``, ``липучка``), run-flat, and the brand's model line
(``Hakkapeliitta 10p``, ``Pilot Sport 4``). Titles are read in Latin letters (``Нокиан Хакка`` →
``nokian hakka``), since the brands and lines are Latin names. Any of these stated on both sides
and different rules a candidate out; the size is the blocking key of a large catalog.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from matcher.decision.guards import EqualGuard, FamilyGuard, QuantityGuard, SizeGuard
from matcher.decision.rules import SoleVariant
from matcher.normalize import brands, codes, keys, prices, tokens
from matcher.normalize.attributes import Attributes, Field, Normalized, Schema
from matcher.profiles.base import Profile

VERSION = "1"

SCHEMA = Schema(
    (
        Field("width", "int", "section width, mm"),
        Field("aspect", "int", "aspect ratio (series), %"),
        Field("rim", "float", "rim diameter, inches"),
        Field("size", "str", "width/aspect r rim, e.g. 205/55r16 (blocking key)"),
        Field("commercial", "str", "c: a light-truck (C / LT) tyre"),
        Field("load", "str", "load index, e.g. 94 or 109/107"),
        Field("speed", "str", "speed index letter"),
        Field("season", "str", "summer, winter or all-season"),
        Field("studs", "str", "studded or non-studded (winter tyres)"),
        Field("runflat", "str", "runflat"),
        Field("brand", "str", "brand (its skeleton)"),
        Field("line", "str", "the model line's numbers and codes: 10p, 4, r5, es31"),
        Field("codes", "multi", "article numbers"),
    )
)

_TRANSLIT = str.maketrans(
    {"а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "zh", "з": "z",
     "и": "i", "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r",
     "с": "s", "т": "t", "у": "u", "ф": "f", "х": "h", "ц": "ts", "ч": "ch", "ш": "sh",
     "щ": "sch", "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "yu", "я": "ya"}
)  # fmt: skip
# Cyrillic letters written for the Latin look-alike in an index (``88Н``, ``94Т``, ``91В``).
_INDEX_LETTERS = str.maketrans({"т": "t", "н": "h", "в": "v", "к": "k", "м": "m", "р": "p"})
SPEEDS = "jklmnpqrstuhvwyz"
BRAND_NAMES = {
    "мишлен": "michelin", "мишлэн": "michelin", "mich": "michelin", "нокиан": "nokian",
    "нокиан tyres": "nokian", "бриджстоун": "bridgestone", "бриджстон": "bridgestone",
    "bs": "bridgestone", "пирелли": "pirelli", "пирели": "pirelli", "йокохама": "yokohama",
    "ёкохама": "yokohama", "ханкук": "hankook", "кумхо": "kumho", "кордиант": "cordiant",
    "кама": "kama", "континенталь": "continental", "conti": "continental",
    "континентал": "continental", "гиславед": "gislaved", "тойо": "toyo", "гудиер": "goodyear",
    "гудьир": "goodyear", "gy": "goodyear", "данлоп": "dunlop", "виатти": "viatti",
    "тунга": "tunga", "икон": "ikon", "нексен": "nexen", "матадор": "matador",
    "амтел": "amtel", "белшина": "belshina", "фалкен": "falken", "нитто": "nitto",
}  # fmt: skip
_SIZE = re.compile(
    r"(?<!\d)(?P<w>1[3-9]5|2[0-9]5|3[0-5]5)\s?[/\\\.\s-]\s?(?P<a>[2-8][05])"
    r"(?:\s?(?:[/\\.\s-]\s?)?(?:z?r|р|zр)?\s?(?P<r>1[2-9]|2[0-4])(?:[.,]5)?)"
    r"(?P<c>\s?c\b|с\b)?(?!\d)",
    re.IGNORECASE,
)
_SIZE_RIM_FIRST = re.compile(
    r"(?<!\w)(?:z?r|р)\s?(?P<r>1[2-9]|2[0-4])(?P<c>c|с)?\s+(?P<w>1[3-9]5|2[0-9]5|3[0-5]5)"
    r"\s?[/\\.]\s?(?P<a>[2-8][05])(?!\d)",
    re.IGNORECASE,
)
_INDEX = re.compile(r"(?<![\w/])(?P<load>\d{2,3}(?:/\d{2,3})?)\s?(?P<speed>[a-zа-я])(?![\w])")
_SEASONS = (
    ("all-season", re.compile(r"всесезон\w*|вс/?сез\w*|all[\s-]?season|a/s|4\s?seasons?")),
    ("winter", re.compile(r"зим\w*|winter|\bзим\.")),
    ("summer", re.compile(r"лет\w*|summer|\bлет\.")),
)
_NON_STUDDED = re.compile(r"не\s?шип\w*|нешип\w*|липучк\w*|фрикцион\w*|friction|non[\s-]?stud\w*")
_STUDDED = re.compile(r"(?<!не)шип\w*|(?<![\w])ш\.(?!\w)|studded|\bstud\b")
_RUNFLAT = re.compile(r"run\s?flat|\b(?:rft|rof|zp|ssr|dsst|emt|hrs|rf)\b")
_XL = re.compile(r"\bxl\b|extra\s?load|\breinf\w*")
_NOISE = re.compile(
    r"\(?ост\.?\s*\d+\s*шт\.?\)?|\d{4}\s?г(?:од|\.)?\b|\b20[12]\d\b"
    r"|\b(?:шина|шины|автошина|а/ш|tyres?|tires?|новая|new|в наличии|легковая|легк\.?)\b"
)
_STOP = {"r", "z", "c", "xl", "tl", "tubeless", "бк", "шт"}
# An article number: five or more digits (model lines have a few: 10p, es31, w452).
_ARTICLE = re.compile(r"(?<![\w-])[a-zа-я]{0,3}-?\d{5,}[a-zа-я]{0,2}(?![\w-])")


def normalize(title: str, attributes: Mapping[str, object] | None = None) -> Normalized:
    """A tyre listing: size, indices, season, studs, run-flat, brand, model line."""
    given = keys.canonical(attributes)
    extra = " ".join(str(v) for k, v in (attributes or {}).items() if k and v is not None)
    raw = " ".join(tokens.fold(prices.drop(title)).lower().split())
    text = _NOISE.sub(" ", raw)
    size, text = _read_size(text)
    if size is None and extra:  # the size may come as an attribute ({"size": "205/55R16"})
        size, _ = _read_size(extra.lower())
    described = f"{text} {extra.lower()}"
    season = _season(described)
    studs = "non-studded" if _NON_STUDDED.search(described) else None
    if studs is None and _STUDDED.search(described):
        studs = "studded"
    for pattern in (_NON_STUDDED, _STUDDED, *(p for _, p in _SEASONS)):
        text = pattern.sub(" ", text)
    runflat = "runflat" if _RUNFLAT.search(text) else None
    text = _RUNFLAT.sub(" ", text)
    xl = bool(_XL.search(text))
    text = _XL.sub(" ", text)
    load, speed, text = _read_index(text)
    found = tuple(codes.canonical(c) for c in _ARTICLE.findall(text))
    text = _ARTICLE.sub(" ", text)
    words = [_latin(w) for w in tokens.clean(text).split()]
    words = [BRAND_NAMES.get(w, w) for w in words if w not in _STOP and re.search(r"\w", w)]
    if studs is not None and season is None:
        season = "winter"
    brand = _brand(given, words)
    line = _line(words, brand)
    width, aspect, rim, commercial = size if size else (None, None, None, None)
    size_key = f"{width}/{aspect}r{_rim(rim)}" if size else None
    parts = [*words]
    if size_key:
        parts.append(size_key + ("c" if commercial else ""))
    if load and speed:
        parts.append(f"{load}{speed}")
    parts += [p for p in ("xl" if xl else None, season, studs, runflat) if p]
    cleaned = " ".join(parts)
    return Normalized(
        cleaned,
        Attributes(
            width=width,
            aspect=aspect,
            rim=rim,
            size=size_key,
            commercial=commercial,
            load=load,
            speed=speed,
            season=season,
            studs=studs if season != "summer" else None,
            runflat=runflat,
            brand=brand,
            line=line,
            codes=found,
        ),
        cleaned,
    )


def _rim(rim: float | None) -> str:
    return "" if rim is None else (f"{rim:g}")


def _read_size(text: str) -> tuple[tuple[int, int, float, str | None] | None, str]:
    for pattern in (_SIZE_RIM_FIRST, _SIZE):
        m = pattern.search(text)
        if m:
            rim = float(m.group("r"))
            commercial = "c" if m.group("c") else None
            size = (int(m.group("w")), int(m.group("a")), rim, commercial)
            return size, f"{text[: m.start()]} {text[m.end() :]}"
    return None, text


def _read_index(text: str) -> tuple[str | None, str | None, str]:
    for m in _INDEX.finditer(text):
        speed = m.group("speed").translate(_INDEX_LETTERS)
        if speed in SPEEDS and 60 <= int(m.group("load").split("/")[0]) <= 130:
            return m.group("load"), speed, f"{text[: m.start()]} {text[m.end() :]}"
    return None, None, text


def _season(text: str) -> str | None:
    for name, pattern in _SEASONS:
        if pattern.search(text):
            return name
    return None


def _latin(word: str) -> str:
    return BRAND_NAMES.get(word) or word.translate(_TRANSLIT)


def _brand(given: Mapping[str, object], words: list[str]) -> str | None:
    if given.get("brand") is not None:
        name = str(given["brand"]).lower().strip()
        return brands.canonical(BRAND_NAMES.get(name, _latin(name)))
    for w in words[:3]:  # a brand comes first, or right after "шина"
        head = w.split("-")[0]
        if head in BRAND_NAMES.values():
            return brands.canonical(head)
    return None


def _line(words: list[str], brand: str | None) -> str | None:
    """The model line's numbers, as written after a name (``hakkapeliitta 10p`` → ``10p``,
    ``icezero2`` and ``ice zero 2`` → ``2``, ``es31`` → ``31``), sorted; None: no number."""
    found = set()
    for word in words:
        for part in re.sub(r"(?<=[^\W\d_])(?=\d)", " ", word.replace("-", " ")).split():
            if part[0].isdigit():
                found.add(part)
    return " ".join(sorted(found)) if found else None


def claims(listing: Normalized) -> bool:
    """A listing with a whole tyre size."""
    return "size" in listing.attributes


PROFILE = Profile(
    name="tyres",
    version=VERSION,
    schema=SCHEMA,
    read=normalize,
    guards=(
        SizeGuard("width"),
        SizeGuard("aspect"),
        QuantityGuard("rim"),
        EqualGuard("load"),
        EqualGuard("speed"),
        EqualGuard("season"),
        EqualGuard("studs"),
        EqualGuard("runflat"),
        EqualGuard("brand"),
        EqualGuard("line"),
        FamilyGuard("codes", codes.family),
    ),
    threshold=0.6,
    lexical_weight=0.5,
    blocking=("size",),
    rules=(SoleVariant(key="size", variants=("load", "speed")),),
    catalog_brands=True,
    claims=claims,
    description="tyres: size, load and speed index, season, studs, run-flat, model line",
)
