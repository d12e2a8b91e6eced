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
    """The decision for one offer: the matched candidate (None = no_match) and why; an unsure
    one goes to a person with the candidate it proposes (``review``)."""

    matched: Scored | None
    reason: str
    proposed: Scored | None = None  # set: the decision is "review", this is the proposal

    @property
    def review(self) -> bool:
        return self.proposed is not None
