"""What a listing states, as the matcher reads it: typed attributes and the text that is embedded."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from typing import Any


@dataclass(frozen=True)
class Attributes:
    """None (or empty) means unknown, never a guess.

    Phones: ``brand``, ``line`` (a series inside a brand: redmi, poco), ``model`` (the model's
    signature), ``category`` (phone, tablet, accessory), ``ram`` / ``rom`` in GB, ``color``
    (its English or marketing name) and ``color_ru`` (the Russian name, translated),
    ``connectivity`` (a tablet's wifi or cellular), ``network`` / ``sim`` / ``region``
    (informative). Any catalog: quantities in base units
    (``volume`` ml, ``mass`` g, ``length`` mm, ``pieces``, ``power`` W, ``voltage`` V), ``size``
    (dimensions like ``3.5x35mm``), ``codes`` (article and part numbers, canonical), ``marks``
    (ratios, grades, pipe sizes: :mod:`matcher.normalize.marks`).
    """

    color: str | None = None
    ram: int | None = None
    rom: int | None = None
    network: str | None = None
    sim: str | None = None
    region: str | None = None
    model: str | None = None
    brand: str | None = None
    line: str | None = None
    category: str | None = None
    connectivity: str | None = None  # tablets: wifi or cellular
    color_ru: str | None = None
    volume: float | None = None
    mass: float | None = None
    length: float | None = None
    pieces: float | None = None
    power: float | None = None
    voltage: float | None = None
    size: str | None = None
    codes: tuple[str, ...] = ()
    marks: tuple[str, ...] = ()  # kind:value — ratio:1:4, grade:m200, inch:1/2

    def as_dict(self) -> dict[str, Any]:
        return {
            f.name: list(v) if isinstance(v := getattr(self, f.name), tuple) else v
            for f in fields(self)
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Attributes:
        """The inverse of :meth:`as_dict`; unknown keys (an older or newer layout) are ignored."""
        known = {f.name for f in fields(cls)}
        values: dict[str, Any] = {
            k: tuple(v) if isinstance(v, list) else v for k, v in data.items() if k in known
        }
        return cls(**values)


@dataclass(frozen=True)
class Normalized:
    """The cleaned title, the attributes, and the text that is embedded."""

    title: str
    attributes: Attributes = field(default_factory=Attributes)
    form: str = "seed"  # "seed": title | color: …, ram: …, rom: …; "plain": the title alone

    @property
    def text(self) -> str:
        """What the model embeds (and the lexical index reads)."""
        if self.form == "plain":
            return self.title
        a = self.attributes
        ram = str(a.ram) if a.ram is not None else "nan"
        rom = f"{a.rom}gb" if a.rom is not None else "nan"
        return f"{self.title} | color: {a.color or a.color_ru or 'nan'}, ram: {ram}, rom: {rom}"
