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

from matcher.catalog.columns import AttributeColumns, Categories
from matcher.normalize import Attributes
from matcher.normalize.colors import compatible as colors_compatible

UNKNOWN = -1


class Guard(ABC):
    """One attribute's rule, per candidate and over a whole catalog column."""

    name: str

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
    return column.take(rows) if isinstance(column, Categories) else column[rows]


def _equal(a: object, b: object) -> bool:
    return a is not None and b is not None and a != b


@dataclass(frozen=True)
class SizeGuard(Guard):
    """An integer attribute (RAM, ROM in GB) that must be equal when both sides state it."""

    name: str

    def conflict(self, offer: Attributes, candidate: Attributes) -> bool:
        return _equal(getattr(offer, self.name), getattr(candidate, self.name))

    def mask(self, offer: Attributes, column: np.ndarray) -> np.ndarray | None:
        value = getattr(offer, self.name)
        return None if value is None else (column == UNKNOWN) | (column == value)


@dataclass(frozen=True)
class EqualGuard(Guard):
    """A categorical attribute (model signature, brand) that must be equal when both state it."""

    name: str

    def conflict(self, offer: Attributes, candidate: Attributes) -> bool:
        return _equal(getattr(offer, self.name), getattr(candidate, self.name))

    def mask(self, offer: Attributes, column: Categories) -> np.ndarray | None:
        value = getattr(offer, self.name)
        if value is None:
            return None
        return (column.codes == UNKNOWN) | (column.codes == column.table.get(value, -2))


@dataclass(frozen=True)
class ColorGuard(Guard):
    """Colours conflict unless one name's words contain the other's (``green`` ⊂ ``lemon green``)."""

    name: str = "color"

    def conflict(self, offer: Attributes, candidate: Attributes) -> bool:
        return not colors_compatible(offer.color, candidate.color)

    def mask(self, offer: Attributes, column: Categories) -> np.ndarray | None:
        if not offer.color:
            return None
        return _fits(offer.color, column.values)[column.codes]


@lru_cache(maxsize=4096)
def _fits(color: str, values: tuple[str, ...]) -> np.ndarray:
    """Which of ``values`` fit ``color``, then True for UNKNOWN (-1 picks the last entry)."""
    return np.array([colors_compatible(color, c) for c in values] + [True], dtype=bool)


GUARDS: dict[str, Guard] = {
    g.name: g
    for g in (
        SizeGuard("ram"),
        SizeGuard("rom"),
        ColorGuard(),
        EqualGuard("model"),
        EqualGuard("brand"),
    )
}


class GuardSet:
    """The guards in force, applied to one candidate or to a whole catalog at once."""

    def __init__(self, names: Sequence[str]) -> None:
        unknown = [n for n in names if n not in GUARDS]
        if unknown:
            raise ValueError(f"unknown guards {unknown}; known: {', '.join(GUARDS)}")
        self.guards = tuple(GUARDS[n] for n in names)

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


def conflicts(offer: Attributes, candidate: Attributes) -> list[str]:
    """Conflicts under every known guard (for tests and tools)."""
    return GuardSet(list(GUARDS)).conflicts(offer, candidate)
