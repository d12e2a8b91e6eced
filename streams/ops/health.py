"""The consumer's own state, for logs, metrics and the readiness probe."""

from __future__ import annotations

import time
from dataclasses import dataclass, field


@dataclass
class Backoff:
    """Exponential pauses: ``first``, doubled after each failure, at most ``cap``."""

    first: float
    cap: float
    _next: float = field(default=0.0, init=False)

    def next(self) -> float:
        delay = self._next or self.first
        self._next = min(self.cap, delay * 2)
        return delay

    def reset(self) -> None:
        self._next = 0.0


@dataclass
class Health:
    """Whether matching is paused and why; failures in a row; when a batch last succeeded."""

    paused_reason: str | None = None
    failures_in_a_row: int = 0
    last_success: float | None = None

    def failed(self, reason: str) -> None:
        self.paused_reason = reason
        self.failures_in_a_row += 1

    def succeeded(self) -> None:
        self.paused_reason = None
        self.failures_in_a_row = 0
        self.last_success = time.monotonic()

    @property
    def paused(self) -> bool:
        return self.paused_reason is not None
