"""Match / no-match decisions: guards, the whole-catalog compatible search, the threshold verdict,
the optional second stage, and the config that is saved with a model."""

from matcher.decision.config import DEFAULT_THRESHOLD, Band, DecisionConfig
from matcher.decision.decider import Decider, Decision
from matcher.decision.guards import GUARDS, GuardSet, conflicts
from matcher.decision.verdict import Scored, Verdict

__all__ = [
    "DEFAULT_THRESHOLD",
    "GUARDS",
    "Band",
    "Decider",
    "Decision",
    "DecisionConfig",
    "GuardSet",
    "Scored",
    "Verdict",
    "conflicts",
]
