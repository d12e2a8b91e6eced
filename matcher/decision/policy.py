"""From candidates to one decision: the best compatible catalog item, if its cosine is high enough.

Reasons (the result's ``reason`` field):

- ``match``: the best item that passes the guards scores at least the threshold;
- ``conflict:ram`` / ``rom`` / ``color`` / ``model`` / ``brand`` (joined by ``+``):
  the best item by cosine reached the threshold but a guard ruled it out, and no compatible item
  qualified; the named attributes are the top item's conflicts;
- ``below_threshold``: nothing reached the threshold;
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

    def decide(
        self, offer: Attributes, candidates: Sequence[Scored], compatible: Scored | None = None
    ) -> Verdict:
        """``candidates`` come best first; ``compatible`` is the best item that passes the guards
        over the whole catalog (when None, it is looked for among ``candidates``)."""
        if not candidates:
            return Verdict(None, "empty_catalog")
        top = candidates[0]
        if not self.guards:
            return (
                Verdict(top, "match")
                if top.score >= self.threshold
                else Verdict(None, "below_threshold")
            )
        if compatible is None:
            compatible = next((c for c in candidates if not conflicts(offer, c.attributes)), None)
        if compatible is not None and compatible.score >= self.threshold:
            return Verdict(compatible, "match")
        if top.score >= self.threshold:
            return Verdict(None, "conflict:" + "+".join(conflicts(offer, top.attributes)))
        return Verdict(None, "below_threshold")
