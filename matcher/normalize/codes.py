"""Article numbers and manufacturer part numbers: strong evidence, never a model number.

``SM-A556E/DSN``, ``24117RN76G``, ``CPH2581``, ``MTP63``, ``ПМ-ФА-09``, ``006-10к``, ``KL0017``: a
token that mixes letters and digits and is long (5+ characters) or hyphenated is a code. Model
names are short (``a55``, ``14t``, ``x9b``, ``c61``) and stay in the title. Codes are compared in
one spelling: lower case, without separators, Cyrillic look-alike letters as Latin.
"""

from __future__ import annotations

import re

_LOOKALIKE = str.maketrans("авсеикмнорстухь", "abceukmhopctyxb")
_TOKEN = re.compile(r"[\w][\w\-./]*[\w]")
_HAS_LETTER = re.compile(r"[^\W\d_]")
_AMOUNTS = re.compile(r"(\d+(?:[.,]\d+)?[^\W\d_]{0,3}[/+xх*])+\d+(?:[.,]\d+)?[^\W\d_]{0,3}")
_UNITS = re.compile(
    r"^\d+([.,]\d+)?(gb|гб|tb|тб|mb|мб|mah|мач|mm|мм|cm|см|m|м|kg|кг|g|г|l|л|ml|мл|w|вт|v|в|"
    r"k|к|hz|гц|шт|pcs|mp|мп|g|x)$"
)


def canonical(code: str) -> str:
    """One spelling of a code: ``SM-A556E/DSN`` → ``sma556edsn``, ``ПМ-ФА-09`` → ``пмфа09``."""
    text = re.sub(r"[\s\-./_]+", "", code.lower().replace("ё", "е"))
    return text.translate(_LOOKALIKE) if re.search(r"\d", text) else text


def is_code(token: str) -> bool:
    """Letters and digits, and either long or hyphenated; not a quantity with its unit."""
    if not re.search(r"\d", token) or not _HAS_LETTER.search(token) or _UNITS.match(token):
        return False
    if _AMOUNTS.fullmatch(token):  # 8/256gb, 8gb/128gb, 3x35mm: amounts, not a code
        return False
    compact = re.sub(r"[\-./]", "", token)
    return len(compact) >= 5 or bool(re.search(r"\w-\w", token))


def extract(text: str) -> tuple[tuple[str, ...], str]:
    """Codes in ``text`` (canonical, in order) and the text without them."""
    found: list[str] = []
    kept: list[str] = []
    for token in text.split():
        bare = token.strip("()[],;:")
        if bare and _TOKEN.fullmatch(bare) and is_code(bare):
            found.append(canonical(bare))
        else:
            kept.append(token)
    return tuple(dict.fromkeys(found)), " ".join(kept)


def family(code: str) -> str:
    """Codes of one shape (``kl0055``, ``kl0063`` → ``kl9999``) come from one numbering: two
    listings stating different codes of one shape are different products."""
    return re.sub(r"\d", "9", code)
