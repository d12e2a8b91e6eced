"""What a listing states, as the matcher reads it: typed attributes and the text that is embedded.

Which attributes exist is a profile's business (:class:`Schema`): a phone has RAM and a model
signature, a tyre a width and a rim, a tin of paint a volume. :class:`Attributes` holds the
values one listing states under those names; a name it does not hold is *unknown* — never a
guess, and never a conflict.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Literal

Value = int | float | str | tuple[str, ...]
Kind = Literal["int", "float", "str", "multi"]
KINDS: tuple[Kind, ...] = ("int", "float", "str", "multi")


@dataclass(frozen=True)
class Field:
    """One attribute: its name, its kind (which decides its catalog column) and what it is."""

    name: str
    kind: Kind
    doc: str = ""


@dataclass(frozen=True)
class Schema:
    """The attributes a profile reads, in column order; ``version`` counts their changes."""

    fields: tuple[Field, ...]
    version: int = 1

    def __post_init__(self) -> None:
        names = [f.name for f in self.fields]
        if len(set(names)) != len(names):
            raise ValueError(f"duplicate attribute names in {names}")
        bad = [f.name for f in self.fields if f.kind not in KINDS]
        if bad:
            raise ValueError(f"unknown kinds for {bad}")

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields)

    def kind(self, name: str) -> Kind:
        for f in self.fields:
            if f.name == name:
                return f.kind
        raise KeyError(f"no attribute {name!r} in this schema ({', '.join(self.names)})")

    def __contains__(self, name: object) -> bool:
        return any(f.name == name for f in self.fields)

    def to_dict(self) -> dict[str, Any]:
        return {"version": self.version, "fields": {f.name: f.kind for f in self.fields}}


class Attributes(Mapping[str, Value]):
    """The values a listing states, by attribute name; immutable and hashable.

    ``None``, ``""`` and empty tuples are not stored (unknown); lists become tuples.
    """

    __slots__ = ("_hash", "_values")

    def __init__(self, values: Mapping[str, object] | None = None, /, **more: object) -> None:
        merged = {**(values or {}), **more}
        self._values: dict[str, Value] = {}
        for name, value in merged.items():
            if isinstance(value, list):
                value = tuple(str(v) for v in value)
            if value is None or value == "" or value == ():
                continue
            if not isinstance(value, (int, float, str, tuple)):
                raise TypeError(f"attribute {name!r}: {type(value).__name__} is not a value")
            self._values[name] = value
        self._hash: int | None = None

    def __getitem__(self, name: str) -> Value:
        return self._values[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def __hash__(self) -> int:
        if self._hash is None:
            self._hash = hash(frozenset(self._values.items()))
        return self._hash

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Attributes):
            return self._values == other._values
        return NotImplemented

    def __repr__(self) -> str:
        inner = ", ".join(f"{k}={v!r}" for k, v in self._values.items())
        return f"Attributes({inner})"

    def text(self, name: str) -> str | None:
        """A categorical value (None: unknown)."""
        value = self._values.get(name)
        return value if isinstance(value, str) else None

    def integer(self, name: str) -> int | None:
        value = self._values.get(name)
        return int(value) if isinstance(value, (int, float)) else None

    def number(self, name: str) -> float | None:
        value = self._values.get(name)
        return float(value) if isinstance(value, (int, float)) else None

    def many(self, name: str) -> tuple[str, ...]:
        """A multi-valued attribute (empty: unknown)."""
        value = self._values.get(name)
        return value if isinstance(value, tuple) else ()

    def replace(self, **changes: object) -> Attributes:
        """A copy with these values set (``None`` removes one)."""
        return Attributes({**self._values, **changes})

    def as_dict(self) -> dict[str, Any]:
        return {k: list(v) if isinstance(v, tuple) else v for k, v in self._values.items()}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Attributes:
        """The inverse of :meth:`as_dict` (a layout with ``null`` values reads the same)."""
        return cls(data)


@dataclass(frozen=True)
class Normalized:
    """The cleaned title, the attributes, and the text that is embedded (the profile's form)."""

    title: str
    attributes: Attributes
    text: str
