"""Brands a catalog states, found again in titles that do not state them.

Suppliers write one brand many ways: ``KraftLine``, ``КрафтЛайн``, ``KRAFTLINE``; ``Хим Мастер``,
``ХимМастер``. A brand is compared by its *skeleton*: transliterated to Latin, lowercased, with
vowels, spaces and punctuation dropped (``krftln`` for all three above), and found in a title as
one word or two adjacent words with that skeleton. Only brands the catalog itself states (its
``brand`` attribute) are looked for, so no domain list is needed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

_TRANSLIT = str.maketrans(
    {"а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ж": "zh", "з": "z", "и": "i",
     "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r", "с": "s",
     "т": "t", "у": "u", "ф": "f", "х": "h", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "sch",
     "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "yu", "я": "ya", "ё": "e"}
)  # fmt: skip
_LATIN = (("qu", "kv"), ("ck", "k"), ("c", "k"), ("w", "v"), ("x", "ks"))
MIN_SKELETON = 4  # shorter skeletons match too many words


def latinized(text: str) -> str:
    """Lower case, Cyrillic transliterated, Latin spellings of one sound folded (c/k, w/v …)."""
    latin = text.lower().translate(_TRANSLIT)
    for a, b in _LATIN:
        latin = latin.replace(a, b)
    return latin


def skeleton(text: str) -> str:
    """``KraftLine`` / ``КрафтЛайн`` → ``krftln``."""
    return re.sub(r"[^b-df-hj-np-tv-xz]", "", latinized(text))  # consonants (y is a vowel)


class Brands:
    """The brands of one catalog, by skeleton."""

    def __init__(self, names: Iterable[str]) -> None:
        """``names`` as stated (or their skeletons: a skeleton is its own skeleton's key)."""
        self.by_skeleton: dict[str, str] = {}
        for name in names:
            key = skeleton(name)
            if len(key) >= MIN_SKELETON:
                self.by_skeleton.setdefault(key, key)

    def __bool__(self) -> bool:
        return bool(self.by_skeleton)

    def find(self, title: str) -> str | None:
        """The skeleton of the catalog brand named in ``title`` (one word, or two adjacent
        words), if any."""
        if not self.by_skeleton:
            return None
        words = [skeleton(w) for w in re.findall(r"[^\W_]+", title)]
        for i, w in enumerate(words):
            for key in (w, w + words[i + 1] if i + 1 < len(words) else None):
                if key and key in self.by_skeleton:
                    return self.by_skeleton[key]
        return None


def canonical(name: str) -> str:
    """A stated brand as it is compared: its skeleton (the name itself when too short)."""
    key = skeleton(name)
    return key if len(key) >= MIN_SKELETON else " ".join(name.lower().split())


_TOKEN = re.compile(r"[^\W\d_][^\W_]*")


def discover(titles: Sequence[str], min_share: float = 0.05) -> list[str]:
    """Brands of a catalog that states none: words written as names — Latin in capitals
    (``KRONVAL``), Cyrillic capitalized inside a title (``Ладомир``) — in at least
    ``min_share`` of the titles (and at least three), never written in lower case. Line names
    (``Interior``, capitalized Latin) and product words are not taken."""
    counts: dict[str, int] = {}
    lowered: set[str] = set()
    for title in titles:
        seen = set()
        for i, word in enumerate(_TOKEN.findall(title)):
            if word.islower():
                lowered.add(word)
                continue
            latin_caps = word.isascii() and word.isupper() and len(word) >= 3
            cyrillic_name = (
                not word.isascii() and i > 0 and word[0].isupper() and len(word) >= 4
                and (word[1:].islower() or word.isupper())
            )  # fmt: skip
            if latin_caps or cyrillic_name:
                seen.add(word)
        for word in seen:
            counts[word] = counts.get(word, 0) + 1
    floor = max(3, int(min_share * len(titles)))
    return sorted(w for w, n in counts.items() if n >= floor and w.lower() not in lowered)
