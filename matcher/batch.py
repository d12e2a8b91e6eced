"""One batch of raw events → serialized results and dead letters, in input order.

This is the per-batch path that the Kafka consumer and ``matcher match`` share: decode and
validate every event (a bad one becomes a dead letter with its reason), match the valid ones in
one pipeline call, serialize. What happens to the outputs (publish and commit, or write a file)
is the caller's business.
"""

from __future__ import annotations

import base64
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal, Protocol

from matcher.events import DeadLetter, MatchResult, Offer
from matcher.validation import InvalidOffer, parse_offer


class Record(Protocol):
    """A raw input event (aiokafka's ``ConsumerRecord`` is one)."""

    @property
    def value(self) -> bytes | None: ...

    @property
    def key(self) -> bytes | None: ...

    @property
    def topic(self) -> str | None: ...

    @property
    def partition(self) -> int | None: ...

    @property
    def offset(self) -> int | None: ...


@dataclass(frozen=True)
class RawRecord:
    """A raw event that did not come from Kafka (a line of a file)."""

    value: bytes
    key: bytes | None = None
    topic: str | None = None
    partition: int | None = None
    offset: int | None = None


Kind = Literal["result", "dead"]


@dataclass(frozen=True)
class Output:
    """One serialized event to write: a match result or a dead letter."""

    kind: Kind
    key: bytes | None
    value: bytes


class BatchMatcher:
    """Validates, matches and serializes a batch; never raises for a bad event."""

    def __init__(
        self, match: Callable[[Sequence[Offer]], list[MatchResult]], max_title_chars: int
    ) -> None:
        self.match = match
        self.max_title_chars = max_title_chars

    def run(self, records: Sequence[Record]) -> list[Output]:
        """Outputs for ``records``: dead letters first, then results in input order."""
        offers: list[Offer] = []
        out: list[Output] = []
        for record in records:
            try:
                offers.append(parse_offer(record.value or b"", self.max_title_chars))
            except InvalidOffer as exc:
                out.append(Output("dead", record.key, dead_letter(record, exc)))
        for result in self.match(offers) if offers else []:
            out.append(
                Output("result", result.offer_id.encode(), result.model_dump_json().encode())
            )
        return out


def dead_letter(record: Record, exc: InvalidOffer) -> bytes:
    """The dead-letter event for ``record``: the original bytes, why, and where they came from."""
    raw: bytes = record.value or b""
    try:
        text: str | None = raw.decode("utf-8")
    except UnicodeDecodeError:
        text = None
    key = record.key.decode("utf-8", "replace") if isinstance(record.key, bytes) else record.key
    return (
        DeadLetter(
            payload=text,
            payload_b64=base64.b64encode(raw).decode(),
            key=key,
            error_class=exc.kind,
            error_message=str(exc),
            source_topic=record.topic,
            source_partition=record.partition,
            source_offset=record.offset,
        )
        .model_dump_json()
        .encode()
    )
