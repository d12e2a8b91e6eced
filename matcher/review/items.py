"""What goes to a person and what comes back.

A *line* is what a supplier sends again and again: its id and the offer's normalized title. An
answer is about a line, so the same line from that supplier never needs a person twice.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from typing import Any, Literal

Action = Literal["confirm", "pick", "reject", "none"]
ACTIONS: tuple[Action, ...] = ("confirm", "pick", "reject", "none")


@dataclass(frozen=True)
class Line:
    """A supplier's line: who sends it and what it says (normalized)."""

    supplier_id: str
    title: str

    @property
    def key(self) -> str:
        return f"{self.supplier_id}\x1f{self.title}"


@dataclass(frozen=True)
class Candidate:
    """One candidate as a person sees it."""

    catalog_id: str
    score: float
    text: str
    attributes: dict[str, Any]
    conflicts: list[str]  # guards that rule it out for this offer (empty: compatible)


@dataclass(frozen=True)
class ReviewItem:
    """An offer waiting for a person: the offer, its candidates, and why it is unsure."""

    offer_id: str
    supplier_id: str
    title: str
    normalized: str
    line_title: str  # the normalized title: what an answer is remembered by
    attributes: dict[str, Any]
    reason: str
    proposed: str | None
    candidates: list[Candidate]
    catalog_version: int
    model: str
    queued_at: str = field(default_factory=lambda: datetime.now(timezone.utc).isoformat())

    @property
    def line(self) -> Line:
        return Line(self.supplier_id, self.line_title)

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False)

    @classmethod
    def from_json(cls, raw: str | bytes) -> ReviewItem:
        data = json.loads(raw)
        data["candidates"] = [Candidate(**c) for c in data["candidates"]]
        return cls(**data)


@dataclass(frozen=True)
class Answer:
    """A person's answer about an offer's line: confirm the proposal, pick another item,
    reject the proposal, or say the catalog has no such item."""

    offer_id: str
    action: Action
    reviewer: str
    catalog_id: str | None = None  # the item matched (confirm, pick) or rejected (reject)
    at: str = field(default_factory=lambda: datetime.now(timezone.utc).isoformat())

    @property
    def matched(self) -> str | None:
        return self.catalog_id if self.action in ("confirm", "pick") else None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)
