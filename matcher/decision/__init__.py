"""Match / no-match decisions: threshold and attribute guards."""

from matcher.decision.guards import conflicts
from matcher.decision.policy import DecisionPolicy, Scored, Verdict

__all__ = ["DecisionPolicy", "Scored", "Verdict", "conflicts"]
