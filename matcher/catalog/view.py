"""A consumer's live view of the catalog in Redis.

The catalog is hydrated once from the base snapshot, then kept current by applying the change log
as a delta — in a background thread, so the batch path never reads Redis and never waits for a
reload: it takes whatever snapshot is current (:meth:`LiveCatalog.current`). When Redis has been
unreachable for longer than ``max_staleness_s``, or there is no catalog for this model, the batch
path is told so (:class:`CatalogUnavailable`, :class:`CatalogMissing`) instead of matching
against a catalog that may be stale or empty.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from matcher.catalog.index import CatalogIndex
from matcher.catalog.segment import Segment
from matcher.catalog.store import (
    CatalogMissing,
    CatalogUnavailable,
    Change,
    RedisCatalog,
    StoredItem,
)

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class CatalogStatus:
    """What an operator (and the readiness probe) needs to know about the catalog."""

    ready: bool
    version: int
    items: int
    seconds_since_refresh: float | None
    error: str | None


class LiveCatalog:
    """The current catalog snapshot, refreshed from Redis in the background (or per call)."""

    def __init__(
        self,
        store: RedisCatalog,
        refresh_s: float = 0.5,
        max_staleness_s: float = 10.0,
        allow_empty: bool = False,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.store = store
        self.refresh_s = refresh_s
        self.max_staleness_s = max_staleness_s
        self.allow_empty = allow_empty
        self.clock = clock
        self._index: CatalogIndex | None = None
        self._missing = False
        self._error: str | None = None
        self._refreshed_at: float | None = None
        self._stream_id = "-"
        self._delta: dict[str, tuple[StoredItem, np.ndarray] | None] = {}
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()

    # -- the batch path -----------------------------------------------------------------------

    def current(self) -> CatalogIndex:
        """The snapshot to match against; never reads Redis when the refresher runs."""
        if self._thread is None:
            self.refresh()
        age = self._age()
        if age is None or age > self.max_staleness_s:
            raise CatalogUnavailable(f"catalog not refreshed for {age}s: {self._error}")
        if self._missing:
            raise CatalogMissing(f"no catalog in Redis for namespace {self.store.ns}")
        assert self._index is not None
        return self._index

    def status(self) -> CatalogStatus:
        index = self._index
        age = self._age()
        ready = age is not None and age <= self.max_staleness_s and not self._missing
        return CatalogStatus(
            ready,
            index.version if index else 0,
            len(index) if index else 0,
            age,
            "no catalog for this model" if self._missing else self._error,
        )

    def _age(self) -> float | None:
        return None if self._refreshed_at is None else self.clock() - self._refreshed_at

    # -- refreshing ---------------------------------------------------------------------------

    def start(self) -> None:
        """Refresh in a background thread from now on."""
        if self._thread is not None:
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="catalog-refresh", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
            self._thread = None

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self.refresh()
            except Exception as exc:  # recorded; current() reports it once it is too old
                log.warning("catalog refresh failed: %s", exc)
            self._stop.wait(self.refresh_s)

    def refresh(self) -> bool:
        """One step: hydrate a new base, or apply the change log; whether the snapshot changed."""
        try:
            changed = self._refresh()
        except CatalogMissing:
            raise
        except Exception as exc:
            self._error = f"{type(exc).__name__}: {exc}"
            raise CatalogUnavailable(self._error) from exc
        self._error = None
        self._refreshed_at = self.clock()
        return changed

    def _refresh(self) -> bool:
        head = self.store.head()
        if head is None:
            self._missing = not self.allow_empty
            if self._index is None or len(self._index.base) or self._index.load_id:
                self._index = CatalogIndex(Segment.empty(self.store.dim), version=0)
                self._reset()
                return True
            return False
        self._missing = False
        index = self._index
        if index is None or index.load_id != head.load_id:
            base = self.store.read_base(head.load_id)
            self._reset()
            self._index = CatalogIndex(base, version=head.base_version, load_id=head.load_id)
            self._apply(self.store.changes())
            self._warm()
            log.info(
                "catalog %s hydrated: version %d, %d items", head.load_id, head.version, len(base)
            )
            return True
        if head.version != index.version:
            self._apply(self.store.changes(self._stream_id))
            self._warm()
            return True
        return False

    def _reset(self) -> None:
        self._stream_id = "-"
        self._delta = {}

    def _apply(self, changes: list[Change]) -> None:
        """Fold log entries into the delta and swap in the snapshot that results."""
        index = self._index
        assert index is not None
        if not changes:
            return
        upserted = [cid for c in changes for cid in c.upserts]
        fetched = dict(zip(upserted, self.store.fetch(upserted), strict=True))
        for change in changes:
            for cid in change.deletes:
                self._delta[cid] = None
            for cid in change.upserts:
                self._delta[cid] = fetched[cid]
        self._stream_id = changes[-1].stream_id
        base = index.base
        dead = base.rows_of(list(self._delta))
        dead = dead[dead >= 0]
        live = [(cid, v) for cid, v in self._delta.items() if v is not None]
        delta = Segment.build(
            [cid for cid, _ in live],
            [v[0].text for _, v in live],
            [v[0].attributes for _, v in live],
            np.vstack([v[1] for _, v in live]) if live else np.zeros((0, self.store.dim)),
            lexicon=base.lexicon,  # weighted as the base: scores stay comparable across both
        )
        self._index = CatalogIndex(base, delta, dead, changes[-1].version, index.load_id)

    def _warm(self) -> None:
        """Build what the batch path would otherwise build on first use."""
        if self._index is not None:
            _ = self._index.columns
            if not self._index.exact:
                self._index.base.postings("model")  # what blocking on the model signature reads
