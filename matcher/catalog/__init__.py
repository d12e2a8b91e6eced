"""The product catalog: files, embedding, the Redis store and the in-memory index."""

from matcher.catalog.files import CatalogItem, read_catalog
from matcher.catalog.index import CatalogIndex
from matcher.catalog.store import CatalogMissing, CatalogUnavailable, RedisCatalog
from matcher.catalog.view import LiveCatalog

__all__ = [
    "CatalogIndex",
    "CatalogItem",
    "CatalogMissing",
    "CatalogUnavailable",
    "LiveCatalog",
    "RedisCatalog",
    "read_catalog",
]
