"""Glued titles taken apart: ``АнтисептикNordXM-11,5л`` → ``Антисептик Nord XM-11 5л``.

Price lists exported from accounting systems drop spaces between words of different scripts,
between a camel-cased brand and the next word, and between a word and its pack size. Every split
here only inserts spaces (or turns a separator comma into one), at boundaries no product name
needs glued:

- between Cyrillic and Latin letters (``АнтисептикNord``, ``ECOULTRAкор``);
- inside a run glued across scripts (or long and glued across letters and digits), where a lower-case letter meets an upper-case one
  (``KRONVALAcrylWoodдуб``) or a word in capitals meets a lower-case one (``ТЕРРАКОЛОРбел``); a
  camel-cased brand on its own (``KraftLine``, ``СтройРесурс``) stays one word;
- between a code's number and a word of four or more letters (``ПФ-115ТЕРРАКОЛОР``), and after
  an amount's unit glued to the next word (``500млтриггер``);
- between a word of three or more letters and an amount with its unit (``кор10л``,
  ``Interior5л``) — codes (``KL0063``, ``SM-A556E``) are never split;
- after an abbreviation's dot before a letter or digit (``бел.280мл``, ``удал.гипс.``);
- a comma right after a hyphenated code's number, before another number (``XM-11,5л``: the code
  ``XM-11``, then ``5л``; ``1,5 л`` alone stays a decimal).

Linear time (a few regular-expression passes without backtracking); the same input always gives
the same output, and a split title splits no further.
"""

from __future__ import annotations

import re

from matcher.normalize.quantities import UNITS

_UNIT = "|".join(sorted((re.escape(u) for u in UNITS), key=len, reverse=True))
_SCRIPT = re.compile(r"(?<=[а-яёА-ЯЁ])(?=[a-zA-Z])|(?<=[a-zA-Z])(?=[а-яёА-ЯЁ])")
# lower→Upper; Latin capitals then a capitalized word (NORDEXInterior); Cyrillic capitals then
# lower case (ТЕРРАКОЛОРбел: Cyrillic price lists glue a capitalized brand to a plain word)
_CAMEL = re.compile(
    r"(?<=[a-zа-яё])(?=[A-ZА-ЯЁ])|(?<=[A-Z]{2})(?=[A-Z][a-z]{2})|(?<=[А-ЯЁ]{4})(?=[а-яё])"
)
_NUMBER_WORD = re.compile(r"(?<=\d)(?=[^\W\d_]{4})")
_LETTERS_AFTER_NUMBER = re.compile(r"(?<=\d)([^\W\d_]{4,})")
_UNITS = sorted(UNITS, key=len, reverse=True)
_WORD_AMOUNT = re.compile(
    rf"(?<=[^\W\d_]{{3}})(?=\d+(?:[.,]\d+)?\s?(?:{_UNIT})\.?(?![^\W\d_]))", re.IGNORECASE
)
# a capitalized Latin word or a Russian word glued to a number (Floor300, Растворитель646), a
# lone capital to an amount (базаA2,7л)
_NAME_NUMBER = re.compile(r"(?<![^\W\d_])([A-Z][a-z]{2,}|[А-ЯЁа-яё][а-яё]{3,})(\d)")
_LETTER_AMOUNT = re.compile(
    rf"(?<![^\W\d_-])([A-ZА-ЯЁ])(\d+(?:[.,]\d+)?\s?(?:{_UNIT})(?![^\W\d_]))"
)
_ABBREVIATION = re.compile(r"(?<=[^\W\d_]{2}\.)(?=[^\W_])")
_CODE_COMMA = re.compile(r"(?<=[^\W\d_]-\d)(\d{0,3}),(?=\d)")


def _unit_then_word(m: re.Match[str]) -> str:
    """``млтриггер`` → ``мл триггер``: the longest unit the letters start with, then the rest
    (``литров`` is a unit whole; letters that start with no unit: a space before them)."""
    run = m.group(1)
    low = run.lower()
    unit = next((u for u in _UNITS if low.startswith(u)), "")
    if unit == low:
        return run
    if unit and len(run) - len(unit) >= 3:
        return f"{run[: len(unit)]} {run[len(unit) :]}"
    return run


_CYR = re.compile(r"[а-яёА-ЯЁ]")
_LAT = re.compile(r"[a-zA-Z]")
_DIGIT = re.compile(r"\d")
_LETTER = re.compile(r"[^\W\d_]")


def _glued(token: str) -> bool:
    """A run glued across scripts, or long and glued across letters and digits."""
    if _CYR.search(token) and _LAT.search(token):
        return True
    return len(token) >= 10 and bool(_DIGIT.search(token)) and bool(_LETTER.search(token))


def split(title: str) -> str:
    """``title`` with spaces where glued words meet."""
    # camel case is split only inside a run glued across scripts (АнтисептикNordInterior):
    # a brand written in camel case on its own (KraftLine, СтройРесурс) stays one word
    text = " ".join(_CAMEL.sub(" ", t) if _glued(t) else t for t in title.split(" "))
    text = _SCRIPT.sub(" ", text)
    text = _LETTERS_AFTER_NUMBER.sub(_unit_then_word, text)
    text = _NUMBER_WORD.sub(" ", text)
    text = _WORD_AMOUNT.sub(" ", text)
    text = _NAME_NUMBER.sub(r"\1 \2", text)
    text = _LETTER_AMOUNT.sub(r"\1 \2", text)
    text = _ABBREVIATION.sub(" ", text)
    return _CODE_COMMA.sub(r"\1 ", text)
