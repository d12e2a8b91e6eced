"""Reading listings: typed attributes and the text that is embedded, and the text tools every
profile shares (amounts with units, codes, marks, colours, brands, memory sizes, prices).
Which of them a domain uses, and how, is its profile's business (:mod:`matcher.profiles`)."""

from __future__ import annotations

from matcher.normalize.attributes import Attributes, Field, Kind, Normalized, Schema, Value

__all__ = ["Attributes", "Field", "Kind", "Normalized", "Schema", "Value"]
