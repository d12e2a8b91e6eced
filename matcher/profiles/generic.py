"""The generic profile, for any catalog: no domain words, only what holds anywhere.

Quantities with units (read as base amounts, written back in one form), dimensions, article and
part codes (strong evidence, kept in the text in one spelling), prices dropped. A colour where
the sender states it, or as a lower-case Russian colour word (a colour word inside a brand name,
"White Hill", is not a colour). A brand where stated (compared by its skeleton,
:mod:`matcher.normalize.brands`), else, at matching time, a brand the catalog states that the
title names.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping

from matcher.decision.guards import (
    ColorGuard,
    EqualGuard,
    ExclusionGuard,
    FamilyGuard,
    LatinGuard,
    QuantityGuard,
)
from matcher.normalize import brands, codes, colors, glue, keys, marks, prices, quantities, tokens
from matcher.normalize.attributes import Attributes, Field, Normalized, Schema
from matcher.profiles.base import Profile

VERSION = "4"

NOISE = frozenset(
    {"в", "наличии", "наличие", "новинка", "акция", "скидка", "хит", "new", "sale", "оригинал",
     "original", "под", "заказ", "цена", "за", "упак", "упак.", "упаковка", "руб", "р", "₽", "!!!", "арт", "арт.", "артикул", "код",
     "sku", "art", "art."}
)  # fmt: skip
_COLOR_FORMS = colors.all_cyrillic_forms()  # read once, not per title
_LOOKALIKE = str.maketrans("авсекмнорстух", "abcekmhopctyx")
QUANTITY_KINDS = ("volume", "mass", "length", "pieces", "power", "voltage", "rom")

SCHEMA = Schema(
    (
        *(
            Field(q, "float", f"amount in base units ({unit})")
            for q, unit in zip(
                QUANTITY_KINDS, ("ml", "g", "mm", "pcs", "W", "V", "GB"), strict=True
            )
        ),
        Field("size", "str", "dimensions, e.g. 3.5x35mm"),
        Field("color", "str", "a stated colour, English or marketing name"),
        Field("color_ru", "str", "a Russian colour word or a stated Russian colour"),
        Field("brand", "str", "brand skeleton (stated, or a catalog brand the title names)"),
        Field("codes", "multi", "article and part numbers, canonical"),
        Field("marks", "multi", "ratios, grades, pipe sizes: kind:value"),
        Field("names", "multi", "line names learned from the catalog (Interior, Floor 250)"),
        Field("latin", "multi", "Latin words of a Cyrillic catalog's titles: names too"),
    ),
    version=2,  # 2: line names
)


def normalize(title: str, attributes: Mapping[str, object] | None = None) -> Normalized:
    """A listing of any kind: cleaned title with canonical amounts and codes, and attributes."""
    given = keys.canonical(attributes)
    # Amounts before punctuation goes: "1,7 кг" and "3х1,5 мм" keep their decimal comma.
    title = glue.split(title)  # "АнтисептикNordXM-11,5л" → "Антисептик Nord XM-11 5л"
    text = prices.drop(" ".join(tokens.fold(title).split()))
    found_marks = marks.extract(text)
    amounts, text = quantities.extract(text, QUANTITY_KINDS)
    found, text = codes.extract(text)
    text = tokens.clean(text).replace("(", " ").replace(")", " ")
    if given.get("code") is not None:
        found = tuple(dict.fromkeys((*found, codes.canonical(str(given["code"])))))
    # a lone letter is a base, a grade, a group (база А / база A): one alphabet for it
    words = [w.translate(_LOOKALIKE) if len(w) == 1 else w for w in text.split() if w not in NOISE]
    values = dict(amounts.values)
    # an amount with its unit under a key nobody listed ("Фасовка": "2 кг") is still stated;
    # a rate is not ("Расход": "150 г/м2")
    for value in keys.unlisted(attributes):
        if "/" in value:
            continue
        stated, _ = quantities.extract(tokens.fold(value), QUANTITY_KINDS)
        values.update(stated.values)
    for kind in QUANTITY_KINDS:
        if given.get(kind) is not None:
            parsed = quantities.parse_value(given[kind], kind)
            if parsed is not None:
                values[kind] = parsed
    # A stated colour and a Russian colour word are kept apart (as the guard compares English
    # with English and Russian with Russian): "синий" and a stated "alpine blue" both hold.
    color, color_ru = None, color_word(title)
    if given.get("color") is not None:
        raw = " ".join(str(given["color"]).lower().replace("ё", "е").split())
        if re.search(r"[а-я]", raw):
            color_ru = colors.canonical(raw, strict=False) or raw
        else:
            color = colors.canonical(raw) or raw
    brand = brands.canonical(str(given["brand"])) if given.get("brand") is not None else None
    cleaned = " ".join([*words, *found])
    return Normalized(
        cleaned,
        Attributes(
            values,
            color=color,
            color_ru=color_ru,
            brand=brand,
            size=amounts.size,
            codes=found,
            marks=found_marks,
        ),
        cleaned,  # the plain title is what is embedded
    )


def color_word(title: str) -> str | None:
    """A Russian colour adjective written in lower case (``черная``, ``белый``): the colour.
    Capitalized inside a title (``Белый Дом``, ``White Hill``) it is part of a name, not a
    colour; English words are names too (a marketing colour comes as an attribute). Price lists
    abbreviate (``син.``, ``бесцв.``), compound (``красно-корич.``), misspell (``синия``) and
    shout (a title mostly in capitals): those are read too."""
    text = unicodedata.normalize("NFKC", title).replace("ё", "е").replace("Ё", "Е")
    letters = [ch for ch in text if ch.isalpha()]
    shouting = bool(letters) and sum(ch.isupper() for ch in letters) >= 0.6 * len(letters)
    for m in re.finditer(r"[^\W\d_]+(?:-[^\W\d_]+)?\.?", text):
        word = m.group()
        bare = word.rstrip(".")
        if not (shouting and bare.isupper()) and bare != bare.lower():
            continue
        found = _colour(bare.lower(), abbreviated=word.endswith("."))
        if found:
            return found
    return None


_GENERIC_COLOURS = {**_COLOR_FORMS, "бесцветный": "colorless", "бесцветная": "colorless",
                    "бесцветное": "colorless", "бесцветные": "colorless",
                    "прозрачный": "transparent", "прозрачная": "transparent",
                    "прозрачное": "transparent", "прозрачные": "transparent"}  # fmt: skip
_BASE_FORMS = sorted({w for w in _GENERIC_COLOURS if " " not in w and "-" not in w})


def _colour(word: str, abbreviated: bool) -> str | None:
    """One word (or a compound of two) as a colour: whole, abbreviated, or one letter off."""
    if word in _GENERIC_COLOURS:
        return _GENERIC_COLOURS[word]
    if "-" in word:  # красно-коричневый, желто-корич.
        first, second = word.split("-", 1)
        a = _colour(first[:-1] + "ый", False) if first.endswith("о") else None
        b = _colour(second, abbreviated)
        return f"{a} {b}" if a and b else None
    if abbreviated and len(word) >= 3:
        stems = {_GENERIC_COLOURS[w] for w in _BASE_FORMS if w.startswith(word)}
        return stems.pop() if len(stems) == 1 else None
    if len(word) >= 5:
        near = {_GENERIC_COLOURS[w] for w in _BASE_FORMS if _one_edit(word, w)}
        return near.pop() if len(near) == 1 else None
    return None


def _one_edit(a: str, b: str) -> bool:
    """``a`` and ``b`` differ by one substitution, insertion or deletion."""
    if abs(len(a) - len(b)) > 1 or a == b:
        return False
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b, strict=True)) == 1
    short, long = (a, b) if len(a) < len(b) else (b, a)
    return any(long[:i] + long[i + 1 :] == short for i in range(len(long)))


PROFILE = Profile(
    name="generic",
    version=VERSION,
    schema=SCHEMA,
    read=normalize,
    guards=(
        *(QuantityGuard(q) for q in QUANTITY_KINDS),
        EqualGuard("size"),
        ColorGuard(),
        FamilyGuard("codes", codes.family),
        FamilyGuard("marks", marks.family),
        EqualGuard("brand"),
        ExclusionGuard("names"),
        LatinGuard(),
    ),
    threshold=0.6,
    lexical_weight=0.5,
    unsure_guards=("color", "brand", "names", "latin"),
    catalog_brands=True,
    line_names=True,
    description="any catalog: amounts with units, sizes, article codes, marks, catalog brands",
)
