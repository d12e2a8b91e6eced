"""One normalizer for both sides of a match, so offer and catalog texts are written alike."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from typing import Any

from matcher.normalize import aliases, colors, memory, tokens, typos

# Bump when the output of `normalize` changes: it is part of the catalog's namespace in Redis,
# so vectors embedded from an older text form are never compared with new ones.
NORMALIZER_VERSION = "6"


@dataclass(frozen=True)
class Attributes:
    """What the normalizer knows about a listing; None means unknown, never a guess."""

    color: str | None = None
    ram: int | None = None
    rom: int | None = None
    network: str | None = None
    sim: str | None = None
    region: str | None = None
    model: str | None = None  # the model's signature: its numbers and variant words, sorted
    brand: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self)}

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

    @property
    def text(self) -> str:
        """The seed's text form: ``title | color: X, ram: R, rom: Sgb`` (``nan`` when unknown)."""
        a = self.attributes
        ram = str(a.ram) if a.ram is not None else "nan"
        rom = f"{a.rom}gb" if a.rom is not None else "nan"
        return f"{self.title} | color: {a.color or 'nan'}, ram: {ram}, rom: {rom}"


def normalize(title: str, attributes: Mapping[str, object] | None = None) -> Normalized:
    """Normalize a listing title plus any structured attributes the sender gave.

    Attributes given explicitly (``color``, ``ram``, ``rom``) win over what the title says;
    everything else is read from the title.
    """
    given = {str(k).lower(): v for k, v in (attributes or {}).items()}
    # A seed-style "title | color: …" input: keep the title, read attributes from the tail.
    head, bar, tail = title.partition("|")
    if bar:
        for key, value in re.findall(r"(color|ram|rom)\s*:\s*([^,]+)", tail.lower()):
            given.setdefault(key, value.strip())
    text = aliases.fold_spellings(tokens.clean(head))
    text = " ".join(typos.repair(w) for w in text.split())
    sim, text = tokens.extract_sim(text)
    mem, text = memory.extract(text)
    color, text = colors.find_in_text(text)
    region, text = tokens.extract_region(text)
    network, text = tokens.extract_network(text)
    text = re.sub(r"(?<=\w)\+(?!\w)", " plus", text)
    words = aliases.apply(tokens.drop_marketing(text.split()))
    given_color = colors.canonical(str(given["color"])) if given.get("color") is not None else None
    return Normalized(
        title=" ".join(words),
        attributes=Attributes(
            color=given_color or color,
            ram=memory.parse_size(given.get("ram")) or mem.ram,
            rom=memory.parse_size(given.get("rom")) or mem.rom,
            network=network,
            sim=sim,
            region=region,
            model=model_signature(words),
            brand=aliases.brand_of(words),
        ),
    )


_YEAR_RE = re.compile(r"^\(?20\d\d\)?$")


def model_signature(words: list[str]) -> str | None:
    """What tells one model from its siblings: its numbers (``14t``, ``a15``, ``8.7``) and variant
    words (``pro``, ``max``, ``lite`` …). None when the title has neither: unknown."""
    found = {
        w
        for w in words
        if any(ch.isdigit() for ch in w)
        and not _YEAR_RE.match(w)
        and w not in tokens.NETWORK_TOKENS
        and "gb" not in w
    }
    found |= {w for w in words if w in typos.VARIANT_WORDS}
    return " ".join(sorted(found)) if found else None
