"""Special rules a profile may add after the threshold verdict: kinds of rule, not domain words.

A rule sees an offer that came out ``no_match`` and its best compatible candidate, and may turn
the verdict into a match with its own reason. The profile decides which rules hold for its
listings and over which of its attributes (:mod:`matcher.profiles`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import numpy as np

from matcher.decision.guards import ColumnSource, GuardSet
from matcher.decision.verdict import Scored, Verdict
from matcher.normalize import Attributes


class Blocking(ColumnSource, Protocol):
    """A catalog that finds its rows by a categorical value (postings)."""

    def rows_with(self, name: str, value: str) -> np.ndarray: ...


class Rule(Protocol):
    """A second look at a ``no_match``: a verdict to use instead, or None."""

    @property
    def name(self) -> str: ...

    def rescue(
        self,
        offer: Attributes,
        best: Scored,
        catalog: Blocking,
        guards: GuardSet,
        threshold: float,
    ) -> Verdict | None: ...


@dataclass(frozen=True)
class SoleVariant:
    """An offer that names a ``key`` (a model) but none of the ``variants`` attributes (memory),
    whose key has exactly one catalog item that passes the guards: that item, up to ``margin``
    below the threshold (a short title's score is lower, not its evidence)."""

    key: str
    variants: tuple[str, ...]
    margin: float = 0.15
    name: str = "sole_variant"

    def rescue(
        self,
        offer: Attributes,
        best: Scored,
        catalog: Blocking,
        guards: GuardSet,
        threshold: float,
    ) -> Verdict | None:
        value = offer.text(self.key)
        if (
            value is None
            or any(v in offer for v in self.variants)
            or best.score < threshold - self.margin
        ):
            return None
        rows = catalog.rows_with(self.key, value)
        if not len(rows):
            return None
        mask = guards.mask(offer, catalog, rows)
        passing = rows if mask is None else rows[mask]
        if len(passing) == 1 and int(passing[0]) == best.row:
            return Verdict(best, f"match:{self.name}")
        return None
