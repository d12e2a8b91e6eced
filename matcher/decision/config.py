"""The decision's parameters as one object, saved in the model folder and loaded with it.

What a trained model decides with (its calibrated threshold, the guards in force, the second
stage's band) belongs to the model, not to the deployment: ``matcher train`` / ``matcher eval
--write-threshold`` save it in ``matcher.json`` beside the weights, and every consumer, ``matcher
match`` and ``matcher eval`` load the same object. Settings may override single fields.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

from matcher.encoding.models import MATCHER_META
from matcher.normalize import DEFAULT_PROFILE, get_profile

DEFAULT_THRESHOLD = 0.80  # the phones profile's, kept for callers that name it


@dataclass(frozen=True)
class Band:
    """Cosines in ``[low, high)`` go to the second stage; its probability ≥ ``threshold`` matches."""

    low: float
    high: float
    threshold: float = 0.5

    def contains(self, score: float) -> bool:
        return self.low <= score < self.high


@dataclass(frozen=True)
class DecisionConfig:
    """Profile, threshold, guards in force and, with a second stage, its band and model."""

    threshold: float | None = None  # None: the profile's
    profile: str = DEFAULT_PROFILE  # how listings are read (matcher.normalize.profiles)
    lexical_weight: float | None = None  # share of the lexical cosine in the score; None: profile's
    guards: tuple[str, ...] | None = None  # None: the profile's guards
    reranker: str | None = None  # cross-encoder folder for the unsure band
    band: Band | None = None  # None: the band stored with the reranker
    # The learned decision (matcher.decision.classifier.TreeEnsemble.to_dict()); None: threshold
    classifier: dict[str, Any] | None = field(default=None, compare=False, repr=False)
    threshold_source: str = field(default="default", compare=False)

    def with_overrides(self, **changes: Any) -> DecisionConfig:
        """A copy with the given fields replaced; ``None`` values leave a field as it is."""
        return replace(self, **{k: v for k, v in changes.items() if v is not None})

    @property
    def cutoff(self) -> float:
        """The threshold in force: the configured one, else the profile's."""
        return self.threshold if self.threshold is not None else get_profile(self.profile).threshold

    @property
    def fusion(self) -> float:
        """The lexical weight in force: the configured one, else the profile's."""
        w = self.lexical_weight
        return w if w is not None else get_profile(self.profile).lexical_weight

    @property
    def guard_names(self) -> tuple[str, ...]:
        """The guards in force: the configured ones, else the profile's."""
        return self.guards if self.guards is not None else get_profile(self.profile).guards

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["guards"] = list(self.guards) if self.guards is not None else None
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> DecisionConfig:
        band = data.get("band")
        guards = data.get("guards")
        return cls(
            threshold=_float(data.get("threshold")),
            profile=str(data.get("profile", DEFAULT_PROFILE)),
            lexical_weight=_float(data.get("lexical_weight")),
            guards=tuple(guards) if guards is not None else None,
            reranker=data.get("reranker"),
            band=Band(**band) if isinstance(band, dict) else None,
            classifier=data.get("classifier") if isinstance(data.get("classifier"), dict) else None,
            threshold_source=str(data.get("threshold_source", "stored with the model")),
        )

    @classmethod
    def load(cls, model_dir: str | Path) -> DecisionConfig:
        """The config saved with a model; the defaults for a model that has none."""
        meta = read_meta(model_dir)
        decision = meta.get("decision")
        if isinstance(decision, dict):
            return cls.from_dict(decision)
        return cls()

    def save(self, model_dir: str | Path) -> Path:
        """Write this config into the model's ``matcher.json``, keeping its other sections."""
        path = Path(model_dir) / MATCHER_META
        meta = read_meta(model_dir)
        meta["decision"] = self.to_dict()
        path.write_text(json.dumps(meta, indent=2), encoding="utf-8")
        return path


def _float(value: Any) -> float | None:
    return None if value is None else float(value)


def read_meta(model_dir: str | Path) -> dict[str, Any]:
    """The whole ``matcher.json`` of a model folder (empty when there is none)."""
    path = Path(model_dir) / MATCHER_META
    if not path.is_file():
        return {}
    data = json.loads(path.read_text(encoding="utf-8"))
    return data if isinstance(data, dict) else {}
