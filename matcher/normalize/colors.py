"""Colour names: Cyrillic and Latin spellings folded to one English name, and shade-aware matching.

Suppliers write ``green`` where the catalog says ``зелёный (lemon green)``; the embedding model sees
these as far apart, so colours are resolved here and compared as word sets (see :func:`compatible`).
"""

from __future__ import annotations

import re
from functools import lru_cache

# Base colour words: a colour name is known when it ends in one of these (or is one).
# fmt: off
BASE_COLORS: frozenset[str] = frozenset(
    {
        "black", "white", "gray", "silver", "gold", "green", "blue", "red", "pink", "purple",
        "yellow", "orange", "beige", "brown", "titanium", "graphite", "midnight", "starlight",
        "cream", "lavender", "mint", "teal", "cyan", "coral", "bronze", "copper", "lilac", "navy",
        "violet", "turquoise", "champagne", "rose", "ultramarine", "sand", "ivory", "burgundy",
        "aqua", "emerald", "jade", "onyx", "obsidian", "porcelain", "hazel", "sage",
        "lemon", "lime", "olive", "peony", "chrome", "slate", "cobalt", "khaki", "charcoal",
        "peach", "plum", "amber", "ruby", "sapphire", "indigo", "azure", "cherry", "fuchsia",
    }
)
# fmt: on

# Words that only shade a base colour (``ocean blue``, ``space gray``).
# fmt: off
SHADES: frozenset[str] = frozenset(
    {
        "lemon", "sage", "ocean", "space", "desert", "natural", "deep", "dark", "light", "sky",
        "ice", "icy", "forest", "glacier", "aurora", "phantom", "cosmic", "starry", "sunset",
        "midnight", "mint", "pale", "misty", "alpine", "sierra", "pacific", "coral", "arctic",
        "titan", "titanium", "mystic", "lime", "olive", "rose", "pearl", "crystal", "jade",
        "marble", "mocha", "moonlight", "shadow", "stellar", "lunar", "emerald", "electric",
        "matte", "glossy", "metallic", "frost", "frosted", "graphite", "sapphire", "volcanic",
        "lake", "sea", "twilight", "lavender", "sand", "obsidian", "porcelain", "hazel", "iron",
        "polar", "meteorite", "mountain", "galactic", "starlight", "charcoal", "navy", "royal",
        "jet", "ceramic", "astral", "neon", "snow", "burgundy", "blush", "peach",
        "gold", "silver", "black", "white", "blue", "green", "gray", "pink", "purple", "red",
        "yellow", "orange", "beige", "brown", "cream", "teal", "cyan",
    }
)
# fmt: on

# Latin synonyms folded before comparison.
LATIN_SYNONYMS: dict[str, str] = {
    "grey": "gray",
    "violet": "purple",
    "sliver": "silver",
    "golden": "gold",
    "blk": "black",
    "wht": "white",
}

# Cyrillic colour phrases, longest first when matched; values are English colour names.
CYRILLIC_COLORS: dict[str, str] = {
    "пустынный титан": "desert titanium",
    "натуральный титан": "natural titanium",
    "черный титан": "black titanium",
    "белый титан": "white titanium",
    "синий титан": "blue titanium",
    "серый титан": "gray titanium",
    "серый космос": "space gray",
    "космический серый": "space gray",
    "темная ночь": "midnight",
    "сияющая звезда": "starlight",
    "небесно-голубой": "sky blue",
    "небесно голубой": "sky blue",
    "темно-синий": "dark blue",
    "темно синий": "dark blue",
    "темно-серый": "dark gray",
    "темно-зеленый": "dark green",
    "светло-зеленый": "light green",
    "светло-голубой": "light blue",
    "светло-фиолетовый": "light purple",
    "лаймовый": "lime green",
    "мятный": "mint green",
    "лавандовый": "lavender purple",
    "кремовый": "cream",
    "черный": "black",
    "белый": "white",
    "серый": "gray",
    "серебристый": "silver",
    "серебряный": "silver",
    "серебро": "silver",
    "золотой": "gold",
    "золотистый": "gold",
    "золото": "gold",
    "зеленый": "green",
    # Russian tells them apart: синий is a (dark) blue, голубой a light one. "blue" fits both.
    "синий": "dark blue",
    "голубой": "light blue",
    "красный": "red",
    "розовый": "pink",
    "фиолетовый": "purple",
    "сиреневый": "lilac",
    "лиловый": "lilac",
    "желтый": "yellow",
    "оранжевый": "orange",
    "бирюзовый": "turquoise",
    "бежевый": "beige",
    "коричневый": "brown",
    "графитовый": "graphite",
    "графит": "graphite",
    "титановый": "titanium",
    "титан": "titanium",
    "бронзовый": "bronze",
    "медный": "copper",
}

_ENDINGS = {"ый": ("ая", "ое", "ые", "ого"), "ий": ("яя", "ее", "ие"), "ой": ("ая", "ое", "ые")}


def _inflections(table: dict[str, str]) -> dict[str, str]:
    """Add the feminine / neuter / plural forms of one-word adjectives (черная, черное …)."""
    out = dict(table)
    for word, english in table.items():
        if " " in word or "-" in word:
            continue
        for ending, others in _ENDINGS.items():
            if word.endswith(ending):
                for other in others:
                    out.setdefault(word[: -len(ending)] + other, english)
    return out


_CYRILLIC_FORMS = _inflections(CYRILLIC_COLORS)
_CYRILLIC_RE = re.compile(
    r"(?<![\w-])("
    + "|".join(re.escape(k) for k in sorted(_CYRILLIC_FORMS, key=len, reverse=True))
    + r")(?![\w-])"
)
_PAREN_RE = re.compile(r"\(([^()]*)\)")


def all_cyrillic_forms() -> dict[str, str]:
    """Every Cyrillic colour phrase this module knows, inflected forms included."""
    return dict(_CYRILLIC_FORMS)


def fold_word(word: str) -> str:
    """One spelling per Latin colour word (grey → gray)."""
    return LATIN_SYNONYMS.get(word, word)


def canonical(name: str, strict: bool = True) -> str | None:
    """The canonical English name of a colour phrase, or None when it is not a known colour.

    ``strict`` (a phrase found in running text) wants every word a known colour or shade word.
    Not strict (a value the sender states is a colour: an attribute, a parenthesised name), a
    marketing name is taken as it is: ``awesome lemon``, ``flowy emerald``, ``jade cyan``.
    """
    text = name.strip().lower().replace("ё", "е")
    if not text or text in {"nan", "none", "null", "<na>", "-"}:
        return None
    if text in _CYRILLIC_FORMS:
        return _CYRILLIC_FORMS[text]
    words = [fold_word(w) for w in re.split(r"[\s_/-]+", text) if w]
    if not strict and 0 < len(words) <= 4 and not any(_cyrillic_word(w) for w in words):
        # A marketing name ends in a colour or a shade word ("awesome lemon", "dark chrome"),
        # so that a parenthesised "(nano-sim+esim)" or "(2a)" is not taken for one.
        if words[-1] in BASE_COLORS or words[-1] in SHADES:
            return " ".join(words)
        return None
    if not words or (words[-1] not in BASE_COLORS and not _cyrillic_word(words[-1])):
        return None
    if _cyrillic_word(words[-1]):
        return _CYRILLIC_FORMS.get(" ".join(words))
    if any(w not in SHADES and w not in BASE_COLORS for w in words[:-1]):
        return None
    return " ".join(words)


def _cyrillic_word(word: str) -> bool:
    return any("а" <= ch <= "я" for ch in word)


def read(text: str) -> tuple[str | None, str | None, str]:
    """The English (or marketing) colour name and the Russian one of a lowercased title, and the
    title without them: ``черный (noble black)`` → ``noble black``, ``black``.

    The English name comes from parentheses or a trailing Latin phrase, the Russian one from a
    Cyrillic phrase (translated). Kept apart, because a generic Russian word (``черный``) must
    not make a specific English one (``cosmic black``) fit ``noble black``.
    """
    english: str | None = None
    rest = text
    for m in _PAREN_RE.finditer(text):
        found = canonical(m.group(1), strict=False)
        if found:
            english = found
            rest = rest.replace(m.group(0), " ")
            break
    russian = None
    cyr = _CYRILLIC_RE.search(rest)
    if cyr:
        russian = _CYRILLIC_FORMS[cyr.group(1)]
        rest = rest[: cyr.start()] + " " + rest[cyr.end() :]
    if english is None:
        english, rest = _trailing_latin(rest)
    return english, russian, " ".join(rest.split())


def fits(offer: tuple[str | None, str | None], item: tuple[str | None, str | None]) -> bool:
    """Whether an offer's (English, Russian) colour names fit an item's: English is compared
    with English, Russian with Russian, each falling back to the other name when one side has
    only one. Unknown fits anything."""
    mine_en, mine_ru = offer
    their_en, their_ru = item
    checks = []
    if mine_en:
        checks.append(compatible(mine_en, their_en or their_ru))
    if mine_ru:
        checks.append(compatible(mine_ru, their_ru or their_en))
    return not checks or any(checks)


def _trailing_latin(text: str) -> tuple[str | None, str]:
    """A Latin colour phrase among the title's tokens: the first ``shade* base`` run, longest.

    One pass: ``run`` is where the current run of shade words began, so no token is looked at
    twice (a title of many colour words stays linear).
    """
    tokens = text.split()
    run = 0
    for i, tok in enumerate(tokens):
        word = fold_word(tok)
        if word in BASE_COLORS:
            # A base word must not be a model name part (``galaxy s24 ultra gray`` is fine,
            # ``pixel 8a`` has no colour); prefer a longer run when the next token is a base
            # colour too (``black titanium``).
            if i + 1 < len(tokens) and fold_word(tokens[i + 1]) in BASE_COLORS:
                if word not in SHADES:
                    run = i + 1
                continue
            phrase = " ".join(fold_word(t) for t in tokens[run : i + 1])
            return phrase, " ".join(tokens[:run] + tokens[i + 1 :])
        if word not in SHADES:
            run = i + 1
    return None, text


@lru_cache(maxsize=65536)
def compatible(a: str | None, b: str | None) -> bool:
    """Whether two colours can name the same product variant.

    Unknown fits anything. Otherwise one name's words must contain the other's: ``green`` fits
    ``lemon green`` and ``gray`` fits ``space gray``, while ``gray`` and ``sage green``, or
    ``lemon green`` and ``sage green``, conflict.
    """
    if not a or not b:
        return True
    wa = {fold_word(w) for w in a.split()}
    wb = {fold_word(w) for w in b.split()}
    if ("titanium" in wa) != ("titanium" in wb):  # a titanium finish is its own colour
        return False
    return wa <= wb or wb <= wa
