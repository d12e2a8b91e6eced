"""From candidates to one verdict: the best compatible catalog item, if its cosine is high enough.

Reasons (the result's ``reason`` field):

- ``match``: the best item that passes the guards scores at least the threshold;
- ``conflict:ram`` / ``rom`` / ``color`` / ``model`` / ``brand`` (joined by ``+``):
  the best item by cosine reached the threshold but a guard ruled it out, and no compatible item
  qualified; the named attributes are the top item's conflicts;
- ``match:sole_variant``: below the threshold, but the offer names a model and no memory, and
  exactly one catalog variant of that model passes the guards (:class:`~matcher.decision.Decider`);
- ``below_threshold``: nothing reached the threshold;
- ``empty_catalog``: there was nothing to match against.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from matcher.decision.guards import GuardSet
from matcher.decision.verdict import Scored, Verdict
from matcher.normalize import Attributes


@dataclass(frozen=True)
class ThresholdPolicy:
    """Threshold plus guards; an empty guard set decides on cosine alone (for comparison)."""

    threshold: float
    guards: GuardSet

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
            compatible = next(
                (c for c in candidates if not self.guards.conflicts(offer, c.attributes)), None
            )
        if compatible is not None and compatible.score >= self.threshold:
            return Verdict(compatible, "match")
        if top.score >= self.threshold:
            return Verdict(
                None, "conflict:" + "+".join(self.guards.conflicts(offer, top.attributes))
            )
        return Verdict(None, "below_threshold")
