"""Match / no-match decisions: the kinds of guard and special rule a profile uses, the
whole-catalog compatible search, the threshold verdict, the optional learned decision and second
stage, and the config that is saved with a model."""

from matcher.decision.config import Band, DecisionConfig
from matcher.decision.decider import Decider, Decision
from matcher.decision.guards import GuardSet
from matcher.decision.verdict import Scored, Verdict

__all__ = ["Band", "Decider", "Decision", "DecisionConfig", "GuardSet", "Scored", "Verdict"]
