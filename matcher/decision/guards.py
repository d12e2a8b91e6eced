"""Attribute guards: a stated attribute that conflicts with the candidate's rules it out.

The embedding puts 8/256 and 12/512 of one phone, or ``note 14`` and ``note 14 pro``, at cosine
0.98, so no threshold can tell them apart; stated attributes can. Unknown on either side never
conflicts. Each guard has two forms that must agree: :meth:`Guard.conflict` for one candidate, and
:meth:`Guard.mask` over a whole catalog, from a column the guard encodes itself
(:meth:`Guard.column` picks it from the catalog's attribute columns), so a new attribute is one
new :class:`~matcher.normalize.Attributes` field and one new guard.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Protocol

import numpy as np

from matcher.catalog.columns import AttributeColumns, Categories, Multi
from matcher.normalize import Attributes
from matcher.normalize.colors import compatible as colors_compatible
from matcher.normalize.colors import fits as fits_colors

UNKNOWN = -1


class Guard(ABC):
    """One attribute's rule, per candidate and over a whole catalog column."""

    name: str

    @property
    def fields(self) -> tuple[str, ...]:
        """The attributes this guard reads (they must be in its profile's schema)."""
        return (self.name,)

    def column(self, columns: AttributeColumns) -> Any:
        """This guard's column of the catalog's attributes (what :meth:`mask` reads)."""
        return columns[self.name]

    @abstractmethod
    def conflict(self, offer: Attributes, candidate: Attributes) -> bool:
        """Whether the candidate is ruled out for this offer."""

    @abstractmethod
    def mask(self, offer: Attributes, column: Any) -> np.ndarray | None:
        """Per item of ``column``: not ruled out. None when the offer states nothing (all pass)."""


def _take(column: Any, rows: np.ndarray | None) -> Any:
    if rows is None:
        return column
    if isinstance(column, tuple):
        return tuple(_take(c, rows) for c in column)
    if isinstance(column, (Categories, Families, Multi)):
        return column.take(rows)
    return column[rows]


def _equal(a: object, b: object) -> bool:
    return a is not None and b is not None and a != b


@dataclass(frozen=True)
class SizeGuard(Guard):
    """An integer attribute (RAM, ROM in GB) that must be equal when both sides state it."""

    name: str

    def conflict(self, offer: Attributes, candidate: Attributes) -> bool:
        return _equal(offer.integer(self.name), candidate.integer(self.name))

    def mask(self, offer: Attributes, column: np.ndarray) -> np.ndarray | None:
        value = offer.integer(self.name)
        return None if value is None else (column == UNKNOWN) | (column == value)


@dataclass(frozen=True)
class EqualGuard(Guard):
    """A categorical attribute (model signature, brand) that must be equal when both state it."""

    name: str

    def conflict(self, offer: Attributes, candidate: Attributes) -> bool:
        return _equal(offer.text(self.name), candidate.text(self.name))

    def mask(self, offer: Attributes, column: Categories) -> np.ndarray | None:
        value = offer.text(self.name)
        if value is None:
            return None
        return (column.codes == UNKNOWN) | (column.codes == column.table.get(value, -2))


@dataclass(frozen=True)
class QuantityGuard(Guard):
    """An amount in base units (volume, mass, pieces …): equal within 1 % when both state it."""

    name: str

    def conflict(self, offer: Attributes, candidate: Attributes) -> bool:
        a, b = offer.number(self.name), candidate.number(self.name)
        return a is not None and b is not None and not _close(a, b)

    def mask(self, offer: Attributes, column: np.ndarray) -> np.ndarray | None:
        value = offer.number(self.name)
        if value is None:
            return None
        return np.isnan(column) | (np.abs(column - value) <= 0.01 * max(abs(value), 1e-9))


def _close(a: float, b: float) -> bool:
    return abs(a - b) <= 0.01 * max(abs(a), 1e-9)


@dataclass(frozen=True)
class ColorGuard(Guard):
    """Colours conflict unless one name's words contain the other's (``green`` ⊂ ``lemon green``),
    English compared with English and Russian with Russian (:func:`colors.fits`)."""

    name: str = "color"
    russian: str = "color_ru"

    @property
    def fields(self) -> tuple[str, ...]:
        return (self.name, self.russian)

    def column(self, columns: AttributeColumns) -> tuple[Categories, Categories]:
        return columns[self.name], columns[self.russian]

    def _pair(self, a: Attributes) -> tuple[str | None, str | None]:
        return a.text(self.name), a.text(self.russian)

    def conflict(self, offer: Attributes, candidate: Attributes) -> bool:
        return not fits_colors(self._pair(offer), self._pair(candidate))

    def mask(self, offer: Attributes, column: tuple[Categories, Categories]) -> np.ndarray | None:
        english_value, russian_value = self._pair(offer)
        if not english_value and not russian_value:
            return None
        english, russian = column
        ok = np.zeros(len(english.codes), dtype=bool)
        for mine, first, second in (
            (english_value, english, russian),
            (russian_value, russian, english),
        ):
            if mine:
                # compared with the same language's name, else with the other one
                other = _fits(mine, second.values)[second.codes]
                same = _fits(mine, first.values, False)[first.codes]
                ok |= np.where(first.codes == UNKNOWN, other, same)
        return ok


class Families:
    """A multi-valued column by family: the items stating each family (sorted), and the items
    stating each value — built once per snapshot, so an offer's check costs its candidates'."""

    def __init__(self, column: Multi, family: Any, rows: np.ndarray | None = None) -> None:
        self.family, self.rows = family, rows
        n = len(column.offsets) - 1
        item = np.repeat(np.arange(n, dtype=np.int64), np.diff(column.offsets))
        fams = np.array([family(v) for v in column.values] + [""], dtype=object)
        entry = fams[column.codes]
        self.size = n
        self.code_of = {v: i for i, v in enumerate(column.values)}
        self.family_items: dict[str, np.ndarray] = {
            f: np.unique(item[entry == f]) for f in set(entry.tolist()) - {""}
        }
        order = np.argsort(column.codes, kind="stable")
        self._items = item[order]
        self._starts = np.searchsorted(column.codes[order], np.arange(len(column.values) + 1))

    def items_with(self, codes: Sequence[int]) -> np.ndarray:
        """Items stating any of these value codes (sorted, unique)."""
        parts = [self._items[self._starts[c] : self._starts[c + 1]] for c in codes]
        return np.unique(np.concatenate(parts)) if parts else np.zeros(0, dtype=np.int64)

    def take(self, rows: np.ndarray) -> Families:
        view = Families.__new__(Families)
        view.__dict__.update(self.__dict__)
        view.rows = rows
        return view


@dataclass(frozen=True)
class FamilyGuard(Guard):
    """Codes (article numbers of one numbering) or marks (ratios, grades, pipe sizes): where both
    listings state values of one family and share none, they are different products."""

    name: str
    family: Any

    def column(self, columns: AttributeColumns) -> Families:
        return Families(columns[self.name], self.family)

    def conflict(self, offer: Attributes, candidate: Attributes) -> bool:
        mine, theirs = offer.many(self.name), candidate.many(self.name)
        for f in {self.family(v) for v in mine}:
            a = {v for v in mine if self.family(v) == f}
            b = {v for v in theirs if self.family(v) == f}
            if b and not a & b:
                return True
        return False

    def mask(self, offer: Attributes, column: Families) -> np.ndarray | None:
        mine = offer.many(self.name)
        if not mine:
            return None
        rows = np.arange(column.size) if column.rows is None else np.asarray(column.rows)
        ok = np.ones(len(rows), dtype=bool)
        for f in {self.family(v) for v in mine}:
            stating = column.family_items.get(f)
            if stating is None:
                continue
            wanted = [
                column.code_of[v] for v in mine if self.family(v) == f and v in column.code_of
            ]
            hit = column.items_with(wanted)
            ok &= ~(_sorted_has(stating, rows) & ~_sorted_has(hit, rows))
        return ok


def _sorted_has(sorted_items: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """Per row: whether it is in ``sorted_items``."""
    if not len(sorted_items):
        return np.zeros(len(rows), dtype=bool)
    at = np.minimum(np.searchsorted(sorted_items, rows), len(sorted_items) - 1)
    return sorted_items[at] == rows


def _item_hits(column: Multi, wanted: Sequence[str]) -> np.ndarray:
    """Per item of a multi-valued column: how many of its values are in ``wanted``."""
    codes = [column.table[v] for v in wanted if v in column.table]
    hit = np.isin(column.codes, codes) if codes else np.zeros(len(column.codes), dtype=bool)
    counts = np.concatenate([[0], np.cumsum(hit, dtype=np.int64)])  # hits before each value
    return counts[column.offsets[1:]] - counts[column.offsets[:-1]]


@dataclass(frozen=True)
class ExclusionGuard(Guard):
    """Line names: an offer naming one alternative (``Exterior``, ``Floor 200``) is not an item
    naming another (``Interior``, ``Floor 250``). The offer carries the names it excludes
    (``not_names``, from what the catalog taught: :mod:`matcher.normalize.lines`)."""

    name: str = "names"
    excluded: str = "not_names"

    def conflict(self, offer: Attributes, candidate: Attributes) -> bool:
        return bool(set(offer.many(self.excluded)) & set(candidate.many(self.name)))

    def mask(self, offer: Attributes, column: Multi) -> np.ndarray | None:
        out = offer.many(self.excluded)
        if not out:
            return None
        return _item_hits(column, out) == 0


@dataclass(frozen=True)
class LatinGuard(Guard):
    """Latin line names of a Cyrillic catalog: an item lacking a catalog name the offer states
    (``latin_known``) is another line, and so is one where each side states a name the other
    lacks (``Sauna`` is not ruled out for ``Sauna``-and-more: only the offer adds nothing)."""

    name: str = "latin"
    known: str = "latin_known"

    def conflict(self, offer: Attributes, candidate: Attributes) -> bool:
        a, b = set(offer.many(self.name)), set(candidate.many(self.name))
        return bool(set(offer.many(self.known)) - b) or (bool(a - b) and bool(b - a))

    def mask(self, offer: Attributes, column: Multi) -> np.ndarray | None:
        mine = set(offer.many(self.name))
        if not mine:
            return None
        known = set(offer.many(self.known))
        item_has = np.diff(column.offsets)
        hits = _item_hits(column, sorted(mine))
        clash = (hits < item_has) & (hits < len(mine))
        if known:
            clash |= _item_hits(column, sorted(known)) < len(known)
        return ~clash


@lru_cache(maxsize=4096)
def _fits(color: str, values: tuple[str, ...], unknown: bool = True) -> np.ndarray:
    """Which of ``values`` fit ``color``, then ``unknown`` for UNKNOWN (-1 picks the last)."""
    return np.array([colors_compatible(color, c) for c in values] + [unknown], dtype=bool)


class GuardSet:
    """The guards in force, applied to one candidate or to a whole catalog at once."""

    def __init__(self, guards: Sequence[Guard]) -> None:
        self.guards = tuple(guards)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(g.name for g in self.guards)

    def __bool__(self) -> bool:
        return bool(self.guards)

    def conflicts(self, offer: Attributes, candidate: Attributes) -> list[str]:
        """Names of the guards that rule ``candidate`` out for ``offer``."""
        return [g.name for g in self.guards if g.conflict(offer, candidate)]

    def mask(
        self, offer: Attributes, catalog: ColumnSource, rows: np.ndarray | None = None
    ) -> np.ndarray | None:
        """Per catalog row (of ``rows``, or of all): passes every guard (None: all pass)."""
        out: np.ndarray | None = None
        for guard in self.guards:
            m = guard.mask(offer, _take(catalog.column(guard), rows))
            if m is not None:
                out = m if out is None else out & m
        return out


class ColumnSource(Protocol):
    """A catalog that holds its items' attributes and caches each guard's column of them."""

    def column(self, guard: Guard) -> Any: ...
