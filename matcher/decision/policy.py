"""From top-k candidates to one decision: the best compatible candidate, if its cosine is high enough.

Reasons (the result's ``reason`` field):

- ``match``: the best candidate that passes the guards scores at least the threshold;
- ``conflict:ram`` / ``conflict:rom`` / ``conflict:color`` (joined by ``+``): a candidate at or above
  the threshold was ruled out by a guard, and no compatible one qualified;
- ``below_threshold``: no candidate reached the threshold;
- ``empty_catalog``: there was nothing to match against.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from matcher.decision.guards import conflicts
from matcher.normalize import Attributes


@dataclass(frozen=True)
class Scored:
    """A candidate's id, cosine and attributes."""

    catalog_id: str
    score: float
    attributes: Attributes


@dataclass(frozen=True)
class Verdict:
    """The decision for one offer."""

    matched: Scored | None
    reason: str


@dataclass(frozen=True)
class DecisionPolicy:
    """Threshold plus guards; ``guards=False`` decides on cosine alone (for comparison)."""

    threshold: float
    guards: bool = True

    def decide(self, offer: Attributes, candidates: Sequence[Scored]) -> Verdict:
        """Candidates come best first."""
        if not candidates:
            return Verdict(None, "empty_catalog")
        rejected: list[str] = []
        for cand in candidates:
            if cand.score < self.threshold:
                break
            bad = conflicts(offer, cand.attributes) if self.guards else []
            if not bad:
                return Verdict(cand, "match")
            if not rejected:
                rejected = bad
        if rejected:
            return Verdict(None, "conflict:" + "+".join(rejected))
        return Verdict(None, "below_threshold")
