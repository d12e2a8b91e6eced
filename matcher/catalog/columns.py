"""The catalog's attributes as columns: one numpy array per attribute, not one object per item.

A million items as :class:`Attributes` objects cost gigabytes and seconds to build; as columns they
cost a few bytes an item, load from Redis with ``frombuffer``, and let a guard check the whole
catalog in one vector operation. Columns are typed by the profile's :class:`Schema`:

- ``int``   → int64, ``-1`` = unknown
- ``float`` → float64, NaN = unknown
- ``str``   → categorical: int32 codes into a table of values, ``-1`` = unknown
- ``multi`` → several values per item: offsets into a flat array of codes

A snapshot written before an attribute existed lacks its column: it reads as all unknown (which
never conflicts), and :attr:`AttributeColumns.missing` names it, so an upgrade never makes a
stored catalog unloadable.
"""

from __future__ import annotations

import io
import json
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np

from matcher.normalize import Attributes, Kind, Schema

UNKNOWN = -1


@dataclass(frozen=True)
class Categories:
    """A categorical column: codes per item (-1 unknown) into ``values``."""

    codes: np.ndarray
    values: tuple[str, ...]

    @cached_property
    def table(self) -> dict[str, int]:
        """value → code, built once per column (a snapshot's columns live as long as it)."""
        return _table(self.values)

    def take(self, rows: np.ndarray) -> Categories:
        return Categories(self.codes[rows], self.values)


@dataclass(frozen=True)
class Multi:
    """Several categorical values per item: item i has ``codes[offsets[i]:offsets[i+1]]``."""

    offsets: np.ndarray
    codes: np.ndarray
    values: tuple[str, ...]

    @cached_property
    def table(self) -> dict[str, int]:
        return _table(self.values)

    def take(self, rows: np.ndarray) -> Multi:
        """These items' values, in this order (the same value table)."""
        rows = np.asarray(rows, dtype=np.int64)
        lens = (self.offsets[rows + 1] - self.offsets[rows]).astype(np.int64)
        total = int(lens.sum())
        starts = np.repeat(self.offsets[rows] - np.concatenate([[0], np.cumsum(lens)[:-1]]), lens)
        picked = self.codes[starts + np.arange(total)] if total else self.codes[:0]
        return Multi(np.concatenate([[0], np.cumsum(lens)]).astype(np.int64), picked, self.values)

    def of(self, i: int) -> tuple[str, ...]:
        return tuple(self.values[c] for c in self.codes[self.offsets[i] : self.offsets[i + 1]])


Column = np.ndarray | Categories | Multi


def _table(values: tuple[str, ...]) -> dict[str, int]:
    return {v: i for i, v in enumerate(values)}


def empty_column(kind: Kind, size: int) -> Column:
    """A column of ``size`` unknown values."""
    if kind == "int":
        return np.full(size, UNKNOWN, dtype=np.int64)
    if kind == "float":
        return np.full(size, np.nan, dtype=np.float64)
    if kind == "str":
        return Categories(np.full(size, UNKNOWN, dtype=np.int32), ())
    return Multi(np.zeros(size + 1, dtype=np.int64), np.zeros(0, dtype=np.int32), ())


class AttributeColumns:
    """Every attribute of every item, column by column."""

    def __init__(
        self,
        columns: dict[str, Column],
        size: int,
        schema: Schema,
        missing: tuple[str, ...] = (),
    ) -> None:
        self.columns = columns
        self.size = size
        self.schema = schema
        self.missing = missing  # attributes the stored snapshot had no column for

    def __len__(self) -> int:
        return self.size

    def __getitem__(self, name: str) -> Any:
        return self.columns[name]

    @classmethod
    def build(cls, items: Sequence[Attributes], schema: Schema) -> AttributeColumns:
        cols: dict[str, Column] = {}
        for f in schema.fields:
            name, kind = f.name, f.kind
            values = [a.get(name) for a in items]
            if kind == "int":
                cols[name] = np.fromiter(
                    (UNKNOWN if v is None else v for v in values), np.int64, len(values)
                )
            elif kind == "float":
                cols[name] = np.fromiter(
                    (np.nan if v is None else v for v in values), np.float64, len(values)
                )
            elif kind == "str":
                table: dict[str, int] = {}
                codes = np.fromiter(
                    (
                        UNKNOWN if v is None else table.setdefault(str(v), len(table))
                        for v in values
                    ),
                    np.int32,
                    len(values),
                )
                cols[name] = Categories(codes, tuple(table))
            else:
                table = {}
                lists = [v if isinstance(v, tuple) else () for v in values]
                flat = [table.setdefault(v, len(table)) for vs in lists for v in vs]
                offsets = np.cumsum([0, *(len(vs) for vs in lists)], dtype=np.int64)
                cols[name] = Multi(offsets, np.asarray(flat, dtype=np.int32), tuple(table))
        return cls(cols, len(items), schema)

    def row(self, i: int) -> Attributes:
        """One item's attributes as an object (for the few candidates a decision looks at)."""
        out: dict[str, Any] = {}
        for name, col in self.columns.items():
            if isinstance(col, Categories):
                code = int(col.codes[i])
                out[name] = None if code == UNKNOWN else col.values[code]
            elif isinstance(col, Multi):
                out[name] = col.of(i)
            elif col.dtype.kind == "f":
                out[name] = None if np.isnan(col[i]) else float(col[i])
            else:
                out[name] = None if col[i] == UNKNOWN else int(col[i])
        return Attributes(out)

    def concat(self, other: AttributeColumns) -> AttributeColumns:
        """These items followed by ``other``'s (tables merged, codes remapped)."""
        cols: dict[str, Column] = {}
        for name, a in self.columns.items():
            b = other.columns[name]
            if isinstance(a, Categories) and isinstance(b, Categories):
                values, remap = _merge(a.values, b.values)
                cols[name] = Categories(np.concatenate([a.codes, _apply(remap, b.codes)]), values)
            elif isinstance(a, Multi) and isinstance(b, Multi):
                values, remap = _merge(a.values, b.values)
                offsets = np.concatenate([a.offsets, b.offsets[1:] + a.offsets[-1]])
                cols[name] = Multi(
                    offsets, np.concatenate([a.codes, _apply(remap, b.codes)]), values
                )
            else:
                cols[name] = np.concatenate([a, b])
        return AttributeColumns(cols, self.size + other.size, self.schema, self.missing)

    def to_bytes(self) -> bytes:
        """One compact blob (numpy arrays + a JSON header) for the catalog snapshot in Redis."""
        arrays: dict[str, np.ndarray] = {}
        header: dict[str, Any] = {"size": self.size, "columns": {}}
        for name, col in self.columns.items():
            if isinstance(col, Categories):
                arrays[f"{name}.codes"] = col.codes
                header["columns"][name] = {"kind": "str", "values": list(col.values)}
            elif isinstance(col, Multi):
                arrays[f"{name}.offsets"] = col.offsets
                arrays[f"{name}.codes"] = col.codes
                header["columns"][name] = {"kind": "multi", "values": list(col.values)}
            else:
                arrays[name] = col
                header["columns"][name] = {"kind": "array"}
        buf = io.BytesIO()
        arrays["header"] = np.frombuffer(json.dumps(header).encode(), np.uint8)
        np.savez(buf, **arrays)  # type: ignore[arg-type]
        return buf.getvalue()

    @classmethod
    def from_bytes(cls, blob: bytes | bytearray, schema: Schema) -> AttributeColumns:
        """The columns ``schema`` names: stored ones as stored, missing ones all unknown (a
        snapshot written before they existed); stored columns the schema lacks are dropped."""
        with np.load(io.BytesIO(blob)) as data:
            header = json.loads(data["header"].tobytes())
            cols: dict[str, Column] = {}
            for name, spec in header["columns"].items():
                if spec["kind"] == "str":
                    cols[name] = Categories(data[f"{name}.codes"], tuple(spec["values"]))
                elif spec["kind"] == "multi":
                    cols[name] = Multi(
                        data[f"{name}.offsets"], data[f"{name}.codes"], tuple(spec["values"])
                    )
                else:
                    cols[name] = data[name]
        size = int(header["size"])
        out: dict[str, Column] = {}
        missing = []
        for f in schema.fields:
            col = cols.get(f.name)
            if col is None or _kind_of(col) != f.kind:
                missing.append(f.name)
                col = empty_column(f.kind, size)
            out[f.name] = col
        return cls(out, size, schema, tuple(missing))


def _kind_of(col: Column) -> Kind:
    if isinstance(col, Categories):
        return "str"
    if isinstance(col, Multi):
        return "multi"
    return "float" if col.dtype.kind == "f" else "int"


def _merge(a: tuple[str, ...], b: tuple[str, ...]) -> tuple[tuple[str, ...], np.ndarray]:
    """``a``'s values then ``b``'s new ones, and where each of ``b``'s codes goes."""
    table = dict(_table(a))
    remap = np.fromiter((table.setdefault(v, len(table)) for v in b), np.int32, len(b))
    return tuple(table), remap


def _apply(remap: np.ndarray, codes: np.ndarray) -> np.ndarray:
    out = np.full(codes.shape, UNKNOWN, dtype=np.int32)
    known = codes != UNKNOWN
    out[known] = remap[codes[known]] if remap.size else UNKNOWN
    return out
