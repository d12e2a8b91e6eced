"""The decision's parameters as one object, saved in the model folder and loaded with it.

What a trained model decides with (its calibrated threshold, the guards in force, the second
stage's band, the learned decision) belongs to the model, not to the deployment: ``matcher
train`` / ``matcher eval --write-threshold`` save it in ``matcher.json`` beside the weights, and
every consumer, ``matcher match`` and ``matcher eval`` load the same object.

A saved decision was calibrated for one profile (:attr:`DecisionConfig.profile`). For a catalog
read by another profile its calibrated fields do not apply, and that profile's defaults do
(:meth:`DecisionConfig.resolve`); settings then override single fields, whatever the profile.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any, Protocol

from matcher.encoding.models import MATCHER_META


class Defaults(Protocol):
    """What a decision takes from the profile it is made for (:class:`matcher.profiles.Profile`)."""

    @property
    def name(self) -> str: ...

    @property
    def threshold(self) -> float: ...

    @property
    def lexical_weight(self) -> float: ...

    @property
    def review_band(self) -> float: ...

    def guard_names(self) -> tuple[str, ...]: ...


@dataclass(frozen=True)
class Band:
    """Scores in ``[low, high)`` go to the second stage; its probability ≥ ``threshold`` matches."""

    low: float
    high: float
    threshold: float = 0.5

    def contains(self, score: float) -> bool:
        return self.low <= score < self.high


@dataclass(frozen=True)
class DecisionConfig:
    """Profile, threshold, lexical weight, guards in force and, optionally, a second stage and a
    learned decision. ``None`` fields take the profile's defaults when resolved."""

    threshold: float | None = None
    profile: str | None = None  # the profile it was calibrated for (None: any, defaults only)
    lexical_weight: float | None = None  # share of the lexical cosine in the score
    guards: tuple[str, ...] | None = None  # None: the profile's guards
    reranker: str | None = None  # cross-encoder folder for the unsure band
    band: Band | None = None  # None: the band stored with the reranker
    # Decisions this close to the threshold go to a person (0: none do); None: the profile's
    review_band: float | None = None
    # The learned decision (matcher.decision.classifier.TreeEnsemble.to_dict()); None: threshold
    classifier: dict[str, Any] | None = field(default=None, compare=False, repr=False)
    threshold_source: str = field(default="default", compare=False)

    def with_overrides(self, **changes: Any) -> DecisionConfig:
        """A copy with the given fields replaced; ``None`` values leave a field as it is."""
        return replace(self, **{k: v for k, v in changes.items() if v is not None})

    def resolve(self, profile: Defaults) -> DecisionConfig:
        """This decision for a catalog read by ``profile``: every field concrete. What was
        calibrated for another profile is dropped (its scale and features differ)."""
        mine = (
            self
            if self.profile in (None, profile.name)
            else DecisionConfig(guards=self.guards, reranker=self.reranker, band=self.band)
        )
        source = mine.threshold_source if mine.threshold is not None else f"{profile.name} default"
        return replace(
            mine,
            profile=profile.name,
            threshold=mine.threshold if mine.threshold is not None else profile.threshold,
            lexical_weight=(
                mine.lexical_weight if mine.lexical_weight is not None else profile.lexical_weight
            ),
            guards=mine.guards if mine.guards is not None else profile.guard_names(),
            review_band=mine.review_band if mine.review_band is not None else profile.review_band,
            threshold_source=source,
        )

    @property
    def cutoff(self) -> float:
        """The threshold in force (of a resolved config)."""
        if self.threshold is None:
            raise ValueError("the decision is not resolved for a profile yet")
        return self.threshold

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["guards"] = list(self.guards) if self.guards is not None else None
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> DecisionConfig:
        band = data.get("band")
        guards = data.get("guards")
        profile = data.get("profile")
        return cls(
            threshold=_float(data.get("threshold")),
            profile=str(profile) if profile is not None else None,
            lexical_weight=_float(data.get("lexical_weight")),
            guards=tuple(guards) if guards is not None else None,
            reranker=data.get("reranker"),
            band=Band(**band) if isinstance(band, dict) else None,
            review_band=_float(data.get("review_band")),
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


DEFAULTS = Path(__file__).parent / "defaults"


def packaged(model: str) -> dict[str, DecisionConfig]:
    """Decisions shipped with this package for a packaged model, by profile: learned on
    labelled offers (``make decision-defaults``), used where the model has none of its own for
    that profile. ``model`` is the model's name (``multilingual-e5-small``)."""
    out = {}
    for path in sorted(DEFAULTS.glob(f"{model}.*.json")):
        config = read_decision(path)
        if config.profile:
            out[config.profile] = config
    return out


def read_decision(path: str | Path) -> DecisionConfig:
    """A decision written by ``matcher train-decision --out`` (or a model's ``matcher.json``)."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    decision = data.get("decision") if isinstance(data, dict) else None
    if not isinstance(decision, dict):
        raise ValueError(f"{path} holds no decision")
    return DecisionConfig.from_dict(decision)


def write_decision(config: DecisionConfig, path: str | Path, about: dict[str, Any]) -> Path:
    """``config`` as a decision file, with where it came from."""
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(
        json.dumps({"decision": config.to_dict(), "about": about}, indent=1), encoding="utf-8"
    )
    return out


def _float(value: Any) -> float | None:
    return None if value is None else float(value)


def read_meta(model_dir: str | Path) -> dict[str, Any]:
    """The whole ``matcher.json`` of a model folder (empty when there is none)."""
    path = Path(model_dir) / MATCHER_META
    if not path.is_file():
        return {}
    data = json.loads(path.read_text(encoding="utf-8"))
    return data if isinstance(data, dict) else {}
