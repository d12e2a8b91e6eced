"""Event schemas on the wire (JSON). Every event carries ``schema_version``."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, StrictStr

SCHEMA_VERSION = 1

AttributeValue = str | int | float | None


class Offer(BaseModel):
    """A supplier offer on the input topic (key = offer_id)."""

    model_config = ConfigDict(extra="allow")

    schema_version: int = SCHEMA_VERSION
    offer_id: StrictStr = Field(min_length=1, max_length=256)
    title: StrictStr = Field(min_length=1)
    supplier_id: StrictStr | None = None
    attributes: dict[str, AttributeValue] = Field(default_factory=dict)
    price: float | None = None
    currency: StrictStr | None = None
    ts: datetime | float | None = None


class Candidate(BaseModel):
    """One catalog item considered for an offer."""

    catalog_id: str
    score: float


Decision = Literal["match", "no_match", "review"]


class MatchResult(BaseModel):
    """The outcome for one offer on the output topic (key = offer_id)."""

    schema_version: int = SCHEMA_VERSION
    offer_id: str
    supplier_id: str | None = None
    decision: Decision
    catalog_id: str | None = Field(None, description="the matched item (match only)")
    proposed_catalog_id: str | None = Field(
        None, description="review: the item a person is asked to confirm"
    )
    score: float | None = Field(
        None, description="score of the matched (or proposed, or best) item"
    )
    candidates: list[Candidate] = Field(default_factory=list)
    reason: str
    normalized: str
    model: str
    catalog_version: int
    processed_at: datetime = Field(default_factory=lambda: datetime.now(timezone.utc))
    decided_by: Literal["matcher", "person"] = "matcher"
    reviewer: str | None = Field(None, description="who answered (decided_by: person)")


class DeadLetter(BaseModel):
    """A payload that could not be processed, with why and where it came from."""

    schema_version: int = SCHEMA_VERSION
    payload: str | None = Field(None, description="the original bytes as text, when UTF-8")
    payload_b64: str = Field(description="the original bytes (up to the cap), always")
    payload_bytes: int = Field(0, description="size of the original event")
    payload_truncated: bool = Field(
        False, description="the payload fields carry only the first 64 KiB of the event"
    )
    key: str | None = None
    error_class: str
    error_message: str
    source_topic: str | None = None
    source_partition: int | None = None
    source_offset: int | None = None
    failed_at: datetime = Field(default_factory=lambda: datetime.now(timezone.utc))
