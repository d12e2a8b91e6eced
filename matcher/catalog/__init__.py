"""The product catalog: files, embedding, the Redis store and the in-memory index."""

from matcher.catalog.files import CatalogItem, read_catalog
from matcher.catalog.index import CatalogIndex, Entry
from matcher.catalog.store import RedisCatalog
from matcher.catalog.view import CatalogView

__all__ = ["CatalogIndex", "CatalogItem", "CatalogView", "Entry", "RedisCatalog", "read_catalog"]
