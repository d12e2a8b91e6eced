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
import re
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from matcher.catalog.index import CatalogIndex, ColumnEncoder
from matcher.catalog.segment import Segment
from matcher.catalog.store import (
    CatalogMissing,
    CatalogUnavailable,
    Change,
    Head,
    Reading,
    RedisCatalog,
    StoredItem,
)
from matcher.normalize import Schema

log = logging.getLogger(__name__)


class Domain(Protocol):
    """What reading a snapshot needs of the profile it was written with."""

    @property
    def name(self) -> str: ...

    @property
    def version(self) -> str: ...

    @property
    def schema(self) -> Schema: ...

    @property
    def blocking(self) -> tuple[str, ...]: ...

    @property
    def guards(self) -> Sequence[ColumnEncoder]: ...


@dataclass(frozen=True)
class CatalogStatus:
    """What an operator (and the readiness probe) needs to know about the catalog."""

    ready: bool
    version: int
    items: int
    seconds_since_refresh: float | None
    error: str | None
    profile: str | None = None
    profile_version: str | None = None
    schema_version: int = 0
    missing: tuple[str, ...] = ()  # attributes the snapshot has no column for (read: unknown)
    legacy: str | None = None  # a catalog found in a legacy namespace (its profile tag)
    notes: tuple[str, ...] = ()  # what an operator should do (reload …)


class LiveCatalog:
    """The current catalog snapshot, refreshed from Redis in the background (or per call)."""

    def __init__(
        self,
        store: RedisCatalog,
        domains: Callable[[str], Domain],
        refresh_s: float,
        max_staleness_s: float,
        allow_empty: bool = False,
        clock: Callable[[], float] = time.monotonic,
        prefer: str | None = None,
    ) -> None:
        self.store = store
        self.domains = domains  # profile name → the profile (its schema, blocking keys)
        self.prefer = prefer  # the configured profile, to choose among legacy namespaces
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
        reading = index.reading if index else None
        missing = index.base.columns.missing if index else ()
        return CatalogStatus(
            ready,
            index.version if index else 0,
            len(index) if index else 0,
            age,
            "no catalog for this model" if self._missing else self._error,
            reading.profile if reading else None,
            reading.profile_version if reading else None,
            reading.schema_version if reading else 0,
            missing,
            self.store.legacy,
            self._notes(reading, missing),
        )

    def _notes(self, reading: Reading | None, missing: tuple[str, ...]) -> tuple[str, ...]:
        notes = []
        if self.store.legacy:
            notes.append(
                f"served from the legacy namespace {self.store.ns}; `matcher catalog load` "
                "writes the current layout"
            )
        if missing:
            notes.append(
                f"the snapshot has no column for {', '.join(missing)} (read as unknown): "
                "reload the catalog to guard on them"
            )
        if reading is not None:
            domain = self.domains(reading.profile)
            if reading.profile_version != domain.version:
                notes.append(
                    f"written by {reading.profile} normalizer {reading.profile_version}, this "
                    f"code reads with {domain.version}: reload to re-read the items"
                )
        return tuple(notes)

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
        head = self.store.locate(self.prefer).head()
        if head is None:
            self._missing = not self.allow_empty
            if self._index is None or len(self._index.base) or self._index.load_id:
                empty = Segment.empty(self.store.dim, Schema(()))
                self._index = CatalogIndex(empty, version=0)
                self._reset()
                return True
            return False
        self._missing = False
        index = self._index
        if index is None or index.load_id != head.load_id:
            reading = self._reading(head)
            domain = self.domains(reading.profile)
            base = self.store.read_base(head.load_id, domain.schema)
            self._reset()
            fresh = CatalogIndex(
                base, version=head.base_version, load_id=head.load_id, reading=reading
            )
            self._index = self._warm(self._apply(fresh, self.store.changes()))
            log.info(
                "catalog %s hydrated: version %d, %d items, profile %s %s (%s)",
                head.load_id,
                head.version,
                len(base),
                reading.profile,
                reading.profile_version,
                reading.choice or "recorded",
            )
            for note in self.status().notes:
                log.warning("catalog %s: %s", head.load_id, note)
            return True
        if head.version != index.version:
            self._index = self._warm(self._apply(index, self.store.changes(self._stream_id)))
            return True
        return False

    def _reading(self, head: Head) -> Reading:
        """How the snapshot was read: from its head, or (legacy) from its namespace's tag."""
        if head.profile is not None:
            return Reading(
                head.profile, head.profile_version or "", head.schema_version, head.profile_choice
            )
        tag = self.store.legacy or ""
        m = re.fullmatch(r"(.*?)(\d*)", tag)
        name, version = (m.group(1), m.group(2)) if m else (tag, "")
        return Reading(name or "generic", version, 0, "legacy namespace")

    def _reset(self) -> None:
        self._stream_id = "-"
        self._delta = {}

    def _apply(self, index: CatalogIndex, changes: list[Change]) -> CatalogIndex:
        """``index`` with the log entries folded into its delta (a new snapshot)."""
        if not changes:
            return index
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
            base.columns.schema,
            lexicon=base.lexicon,  # weighted as the base: scores stay comparable across both
            lines=base.lines,  # and read for line names as the base was
        )
        return CatalogIndex(base, delta, dead, changes[-1].version, index.load_id, index.reading)

    def _warm(self, index: CatalogIndex) -> CatalogIndex:
        """Build, before a snapshot is swapped in, what its first batch would otherwise build."""
        _ = index.columns
        if index.reading is not None and len(index):
            domain = self.domains(index.reading.profile)
            for guard in domain.guards:  # each guard's column (code families …)
                index.column(guard)
            if not index.exact:
                for name in domain.blocking:
                    index.base.postings(name)  # what blocking on this attribute reads
        return index
