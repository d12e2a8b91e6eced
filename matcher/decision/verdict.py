"""What a decision is made of: scored candidates in, one verdict out."""

from __future__ import annotations

from dataclasses import dataclass

from matcher.normalize import Attributes


@dataclass(frozen=True)
class Scored:
    """A candidate's id, cosine and attributes."""

    catalog_id: str
    score: float
    attributes: Attributes
    row: int = -1  # where it sits in the catalog snapshot it came from


@dataclass(frozen=True)
class Verdict:
    """The decision for one offer: the matched candidate (None = no_match) and why."""

    matched: Scored | None
    reason: str
