"""One batch of raw events → serialized results and dead letters.

This is the per-batch path that the Kafka consumer and ``matcher match`` share. It never fails
because of one event:

- each event is validated and normalized on its own; a bad one becomes a dead letter with its
  reason (:mod:`matcher.validation`);
- the valid ones are matched in one pipeline call; if that raises, the call is retried, then the
  batch is split in halves, then single offers, until the offers that make it raise are found:
  those are dead-lettered as ``processing_error`` and the rest are matched. If a known-good probe
  offer fails too, the fault is not in the offers (the model, the machine): the error is raised
  as :class:`SystemicFailure` and nothing is dead-lettered;
- every output is serialized on its own and capped in size, so writing it cannot fail either.

An unreachable catalog (:class:`~matcher.catalog.CatalogUnavailable` /
:class:`~matcher.catalog.CatalogMissing`) is raised, never dead-lettered: it is the
infrastructure, not the input. What happens to the outputs (publish and commit, or write a file)
is the caller's business.
"""

from __future__ import annotations

import base64
import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, Protocol

from matcher.catalog.index import CatalogIndex
from matcher.events import DeadLetter, MatchResult, Offer
from matcher.pipeline import Prepared
from matcher.validation import EMPTY_TITLE, PROCESSING_ERROR, InvalidOffer, Limits, parse_offer

log = logging.getLogger(__name__)

MAX_DEAD_PAYLOAD = 64 * 1024  # bytes of the original event a dead letter carries
MAX_ERROR_CHARS = 2000
PROBE = Offer(offer_id="probe", title="probe item 1")


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
    error_class: str | None = None  # dead letters: why
    decision: str | None = None  # results: match / no_match
    reason: str | None = None  # results: the reason
    partition: int | None = None  # where the event came from (for logs)
    offset: int | None = None


class SystemicFailure(RuntimeError):
    """Matching fails for any offer, a known-good one included: not the input's fault."""


class Matching(Protocol):
    """What the batch path needs of a pipeline (:class:`~matcher.pipeline.MatchPipeline`)."""

    def catalog(self) -> CatalogIndex: ...

    def observe(self, stage: str, seconds: float) -> None: ...

    def prepare(self, offer: Offer, index: CatalogIndex) -> Prepared: ...

    def match_prepared(
        self, items: Sequence[Prepared], index: CatalogIndex
    ) -> list[MatchResult]: ...


class BatchMatcher:
    """Validates, matches and serializes a batch; never raises for a bad event."""

    def __init__(
        self,
        pipeline: Matching,
        limits: Limits,
        attempts: int = 2,
        retry_backoff_s: float = 0.05,
    ) -> None:
        self.pipeline = pipeline
        self.limits = limits
        self.attempts = attempts
        self.retry_backoff_s = retry_backoff_s

    def run(self, records: Sequence[Record]) -> list[Output]:
        """Outputs for ``records``: dead letters, then results in input order."""
        out: list[Output] = []
        valid: list[tuple[Record, Offer]] = []
        for record in records:
            try:
                valid.append((record, parse_offer(record.value or b"", self.limits)))
            except InvalidOffer as exc:
                out.append(dead(record, exc.kind, str(exc)))
        if not valid:
            return out
        index = self.pipeline.catalog()  # unreachable or missing: raised, the caller waits
        started = time.perf_counter()
        ready: list[tuple[Record, Prepared]] = []
        for record, offer in valid:  # read as the catalog was read (its profile)
            try:
                ready.append((record, self._prepare(offer, index)))
            except InvalidOffer as exc:
                out.append(dead(record, exc.kind, str(exc)))
            except Exception as exc:  # the normalizer broke on this one event
                out.append(dead(record, PROCESSING_ERROR, _describe(exc)))
        self.pipeline.observe("normalize", time.perf_counter() - started)
        for record, result in self._match(ready, index):
            if isinstance(result, MatchResult):
                out.append(self._serialize(record, result))
            else:
                out.append(dead(record, PROCESSING_ERROR, _describe(result)))
        return out

    def _prepare(self, offer: Offer, index: CatalogIndex) -> Prepared:
        prepared = self.pipeline.prepare(offer, index)
        if not prepared.normalized.title:
            raise InvalidOffer(EMPTY_TITLE, "the title names no product once normalized")
        return prepared

    def _match(
        self, group: list[tuple[Record, Prepared]], index: CatalogIndex
    ) -> list[tuple[Record, MatchResult | Exception]]:
        """Results for ``group``, or for each offer that cannot be matched, its exception."""
        if not group:
            return []
        error: Exception | None = None
        for attempt in range(self.attempts if len(group) > 1 else 1):
            try:
                results = self.pipeline.match_prepared([p for _, p in group], index)
                return list(zip((r for r, _ in group), results, strict=True))
            except Exception as exc:
                error = exc
                log.warning(
                    "matching %d offers failed (%s); attempt %d", len(group), exc, attempt + 1
                )
                time.sleep(self.retry_backoff_s * (2**attempt))
        assert error is not None
        if len(group) > 1:
            half = len(group) // 2
            return self._match(group[:half], index) + self._match(group[half:], index)
        try:
            self.pipeline.match_prepared([self.pipeline.prepare(PROBE, index)], index)
        except Exception as probe_error:
            raise SystemicFailure(f"a known-good offer fails too: {probe_error}") from error
        return [(group[0][0], error)]

    @staticmethod
    def _serialize(record: Record, result: MatchResult) -> Output:
        try:
            body = result.model_dump_json().encode("utf-8")
        except Exception as exc:
            return dead(record, PROCESSING_ERROR, f"result not serializable: {_describe(exc)}")
        return Output(
            "result",
            result.offer_id.encode("utf-8"),
            body,
            None,
            result.decision,
            result.reason,
            record.partition,
            record.offset,
        )


def dead(record: Record, error_class: str, message: str) -> Output:
    """The dead-letter event for ``record``: (up to a size cap) the original bytes, why, and where
    they came from. It cannot fail, whatever the bytes are."""
    raw: bytes = record.value or b""
    truncated = len(raw) > MAX_DEAD_PAYLOAD
    carried = raw[:MAX_DEAD_PAYLOAD]
    key = record.key.decode("utf-8", "replace") if isinstance(record.key, bytes) else record.key
    letter = DeadLetter(
        payload=_text(carried, truncated),
        payload_b64=base64.b64encode(carried).decode(),
        payload_bytes=len(raw),
        payload_truncated=truncated,
        key=key[:1024] if key else key,
        error_class=error_class,
        error_message=message[:MAX_ERROR_CHARS],
        source_topic=record.topic,
        source_partition=record.partition,
        source_offset=record.offset,
    )
    body = letter.model_dump_json().encode("utf-8")
    return Output(
        "dead", record.key, body, error_class, None, None, record.partition, record.offset
    )


def _text(raw: bytes, truncated: bool) -> str | None:
    """The bytes as text when they are UTF-8 (a cut through the last character is tolerated)."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        if truncated and exc.start >= len(raw) - 3:
            return raw[: exc.start].decode("utf-8")
        return None


def _describe(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"[:MAX_ERROR_CHARS]
