"""Product-line names, learned from a catalog: the words that tell siblings apart.

A manufacturer's catalog is full of siblings — ``Interior`` / ``Exterior``, ``Floor 250`` /
``Floor 200``, ``Soft`` / ``Hard``, ``DZ`` / ``UN-DZ``, ``глянцевая`` / ``матовая`` — whose titles
differ in one word, which the score weighs like any other few characters. No hand list knows a new
catalog's line names, but the catalog itself shows them: two items whose words (amounts aside)
are the same but one are siblings, and the words they differ in are *alternatives* of each other.
:func:`learn` finds them in one pass (each item's words with one left out, hashed), and records
them as groups: words of one group replace each other in otherwise equal titles. An offer that
names one alternative is not the item that names another (:func:`excluded`).

In a catalog written mostly in Cyrillic, Latin words are names too (line names are mostly Latin
words and codes inside Russian titles). Dealers abbreviate them (``Ext.``), misspell them
(``Cristal``) and write them in Cyrillic (``Кронвал Интериор``, ``Эко Сауна``): an offer's word
is read as the catalog's name it stands for (same sound, unique prefix, or same consonants), and
those names are added to the text that is embedded. An offer that names a catalog's Latin name
is not an item without it; where both state names and each states one the other lacks, they are
different lines (:class:`matcher.decision.guards.LatinGuard`).

What is learned (:class:`Lines`) is stored with the catalog's snapshot and used for every offer.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

_WORD = re.compile(r"[^\W_][\w+\-]*")
# Amounts as the generic profile writes them (5l, 900g, 3.5x35mm, 200pcs): guarded as amounts.
_AMOUNT = re.compile(r"\d+(?:\.\d+)?(?:x\d+(?:\.\d+)?)*(?:ml|l|g|kg|mm|m|pcs|w|kw|v|gb)?")
_LATIN = re.compile(r"[a-z][a-z0-9+\-]*")
_CYRILLIC = re.compile(r"[а-яё]")
MAX_WORDS = 16  # longer titles are descriptions, not siblings' names
MIN_GROUP = 2


@dataclass
class Lines:
    """A catalog's line names: groups of alternatives, and (in a Cyrillic catalog) its Latin
    names, each with the forms an offer may write it in."""

    groups: dict[str, tuple[int, ...]] = field(default_factory=dict)  # word → its groups
    latin_names: bool = False
    vocabulary: tuple[str, ...] = ()  # the catalog's Latin words (when latin_names)
    words: frozenset[str] = frozenset()  # every word of the catalog's titles
    members: dict[int, frozenset[str]] = field(default_factory=dict, repr=False)
    _forms: dict[str, str] = field(default_factory=dict, repr=False)  # sound → word
    _skeletons: dict[str, str] = field(default_factory=dict, repr=False)  # consonants → word

    def __post_init__(self) -> None:
        if not self.members:
            members: dict[int, set[str]] = defaultdict(set)
            for word, gids in self.groups.items():
                for g in gids:
                    members[g].add(word)
            self.members = {g: frozenset(ws) for g, ws in members.items()}
        forms: dict[str, set[str]] = defaultdict(set)
        skeletons: dict[str, set[str]] = defaultdict(set)
        for word in self.vocabulary:
            forms[sound(word)].add(word)
            skeletons[skeleton(word)].add(word)
        self._forms = {f: w for f, ws in forms.items() if (w := _one(ws))}
        self._skeletons = {k: w for k, ws in skeletons.items() if len(k) >= 3 and (w := _one(ws))}

    def to_dict(self) -> dict[str, Any]:
        return {
            "groups": {w: list(g) for w, g in self.groups.items()},
            "latin": self.latin_names,
            "vocabulary": list(self.vocabulary),
            "words": sorted(self.words),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> Lines:
        data = data or {}
        groups = {str(w): tuple(int(g) for g in gs) for w, gs in data.get("groups", {}).items()}
        vocabulary = tuple(str(w) for w in data.get("vocabulary", ()))
        known = frozenset(str(w) for w in data.get("words", ()))
        return cls(groups, bool(data.get("latin", False)), vocabulary, known)

    def known(self, word: str) -> str | None:
        """The catalog's Latin name that an offer's ``word`` stands for: itself, the one with
        its sound (``интериор``, ``eco``/``эко``), the one it abbreviates (``ext``), or the one
        with its consonants (``cristal``, ``клин``) — each only where it is the only one."""
        if not self.latin_names or len(word) < 2:
            return None
        vocab = self._forms
        if word in self.vocabulary:
            return word
        found = vocab.get(sound(word))
        if found is None and len(word) >= 3:  # an abbreviation: Ext. → exterior, Тон → tone
            heard = sound(word)
            found = _one({v for k, v in vocab.items() if k.startswith(heard)})
        if found is None and len(word) >= 3:
            found = self._skeletons.get(skeleton(word))
        return found

    def names(self, words: Iterable[str]) -> tuple[str, ...]:
        """The words that are line names of this catalog."""
        return tuple(sorted({w for w in words if w in self.groups}))

    def excluded(self, names: Sequence[str]) -> tuple[str, ...]:
        """Names of the items an offer naming ``names`` is not: their alternatives it lacks."""
        mine = set(names)
        out: set[str] = set()
        for name in mine:
            for g in self.groups.get(name, ()):
                out |= self.members.get(g, frozenset())
        return tuple(sorted(out - mine))


def words(title: str, brand: str | None = None, codes: Iterable[str] = ()) -> list[str]:
    """The title's words that can name a line: no amounts, no codes, no brand word."""
    from matcher.normalize.brands import skeleton

    skip = set(codes)
    out = []
    for w in _WORD.findall(title):
        if (_AMOUNT.fullmatch(w) and not w.isdigit()) or w in skip:
            continue
        if len(w) < 2 and not ("a" <= w <= "z"):  # a lone Latin letter: a base, a group
            continue
        if brand and skeleton(w) and skeleton(w) == brand:
            continue
        out.append(w)
    return out


def latin(title_words: Sequence[str], lines: Lines) -> tuple[str, ...]:
    """Latin words as names, where the catalog is written mostly in Cyrillic."""
    if not lines.latin_names:
        return ()
    return tuple(sorted({w for w in title_words if _LATIN.fullmatch(w) and len(w) >= 2}))


def _one(words: set[str]) -> str | None:
    """The one word of a set, or its one plain word (``crystal`` among ``crystal``, ``crystal+``)."""
    if len(words) == 1:
        return next(iter(words))
    plain = [w for w in words if w.isalnum()]
    return plain[0] if len(plain) == 1 else None


def sound(word: str) -> str:
    """A word in Latin letters as it sounds: ``экстериор`` and ``exterior`` → ``eksterior``."""
    from matcher.normalize.brands import latinized

    text = latinized(word)
    return re.sub(r"(.)\1+", r"\1", re.sub(r"[^a-z0-9]", "", text))


def skeleton(word: str) -> str:
    from matcher.normalize.brands import skeleton as consonants

    return consonants(word)


def learn(items: Sequence[Sequence[str]], titles: Sequence[str]) -> Lines:
    """Groups of alternatives from the items' words (as :func:`words` gives them): words that
    replace each other in titles otherwise equal. Linear in the catalog's size."""
    left_out: dict[frozenset[str], set[str]] = defaultdict(set)
    for ws in items:
        bag = frozenset(ws)
        if len(bag) > MAX_WORDS or len(bag) < 2:
            continue
        for w in bag:
            left_out[bag - {w}].add(w)
    groups: dict[str, list[int]] = defaultdict(list)
    gid = 0
    for alternatives in left_out.values():
        if len(alternatives) >= MIN_GROUP:
            for w in alternatives:
                groups[w].append(gid)
            gid += 1
    cyrillic = sum(bool(_CYRILLIC.search(t.lower())) for t in titles)
    latin_names = bool(titles) and cyrillic / len(titles) >= 0.5
    vocabulary = (
        sorted({w for ws in items for w in ws if _LATIN.fullmatch(w) and len(w) >= 2})
        if latin_names
        else []
    )
    every = frozenset(w for ws in items for w in ws)
    return Lines({w: tuple(g) for w, g in groups.items()}, latin_names, tuple(vocabulary), every)


def annotate(text: str, attributes: Any, lines: Lines) -> Any:
    """A catalog item's attributes with its line names (``names``) and Latin names (``latin``)."""
    ws = words(text, attributes.text("brand"), attributes.many("codes"))
    return attributes.replace(names=lines.names(ws), latin=latin(ws, lines))


def capitalized(title: str) -> set[str]:
    """The Cyrillic words a title writes as names: capitalized, not its first word, in a title
    that is not all capitals (``Лак яхтный Кронвал Тон`` → {``кронвал``, ``тон``})."""
    found = re.findall(r"[^\W\d_]+", title)
    if not any(w.islower() for w in found):
        return set()
    return {
        w.lower().replace("ё", "е")
        for w in found[1:]
        if _CYRILLIC.search(w.lower()) and w[0].isupper() and w[1:].islower() and len(w) >= 3
    }


def for_offer(text: str, attributes: Any, lines: Lines, title: str = "") -> tuple[str, Any]:
    """An offer's text with the catalog's Latin names its words stand for (``Кронвал Интериор``
    → ``… interior``), and its attributes with its line names, its Latin names (``latin``: the
    catalog's it names, ``latin_known``; its own Latin words too) and the names of the items it
    is not (``not_names``: the alternatives of the names it states)."""
    ws = words(text, attributes.text("brand"), attributes.many("codes"))
    # Latin words, and Cyrillic ones written as names, may stand for the catalog's Latin names
    as_names = capitalized(title)
    named = {w: lines.known(w) if _LATIN.fullmatch(w) or w in as_names else None for w in ws}
    known = sorted({k for k in named.values() if k})
    own = [w for w in ws if _LATIN.fullmatch(w) and len(w) >= 2 and not named[w]]
    added = [k for k in known if k not in ws]
    names = lines.names([*ws, *known])
    latin_all = tuple(sorted({*known, *own})) if lines.latin_names else ()
    attrs = attributes.replace(
        names=names,
        latin=latin_all,
        latin_known=tuple(known) if lines.latin_names else (),
        not_names=lines.excluded(names),
        unknown=tuple(sorted({w for w in ws if w not in lines.words and len(w) >= 3})),
    )
    return (f"{text} {' '.join(added)}" if added else text), attrs
