"""The product catalog: files, embedding, the Redis store and the in-memory index."""

from matcher.catalog.index import CatalogIndex, Entry
from matcher.catalog.records import CatalogItem, read_catalog
from matcher.catalog.store import CatalogCache, RedisCatalog

__all__ = ["CatalogCache", "CatalogIndex", "CatalogItem", "Entry", "RedisCatalog", "read_catalog"]
