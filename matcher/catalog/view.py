"""A consumer's live view of the catalog in Redis."""

from __future__ import annotations

from matcher.catalog.index import CatalogIndex
from matcher.catalog.store import RedisCatalog


class CatalogView:
    """The current snapshot, re-read from Redis only when its version moved.

    One ``GET`` per batch keeps running consumers current with loads, upserts and deletes,
    without a restart and without re-embedding anything.
    """

    def __init__(self, store: RedisCatalog) -> None:
        self.store = store
        self._index: CatalogIndex | None = None

    def current(self) -> CatalogIndex:
        version = self.store.version()
        if self._index is None or self._index.version != version:
            self._index = self.store.snapshot()
        return self._index
