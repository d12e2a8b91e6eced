"""Memory sizes: ``8/256gb``, ``8+256``, ``8gb 256gb``, ``256гб``, ``1tb`` → RAM and ROM in GB.

``12+ 64gb`` is the model ``12+`` and 64 GB: a ``+`` pair has no space after the plus.

Only plausible phone sizes are read, so a screen size (``8.7``) or a year (``2024``) is not mistaken
for memory. What is not stated stays None.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

RAM_SIZES = frozenset({1, 2, 3, 4, 6, 8, 10, 12, 16, 18, 24, 32})
ROM_SIZES = frozenset({8, 16, 32, 64, 128, 256, 512, 1024, 2048})

_UNIT = r"(?:gb|гб|g|tb|тб|t)"
_PAIR_RE = re.compile(
    rf"(?<![\w.])(\d{{1,2}})\s*(?:gb|гб)?\s*(?:ram\s*)?(?:/\s*|\+)(\d{{2,4}}|[12](?=\s*(?:tb|тб|t)\b))\s*({_UNIT})?(?![\w])"
)
_TWO_RE = re.compile(
    rf"(?<![\w.])(\d{{1,2}})\s*(?:gb|гб)\s*(?:ram|озу)?\s*[,;+]?\s+(\d{{1,4}})\s*({_UNIT})"
    r"\s*(?:rom|пзу)?(?![\w])"
)
_SIZE_RE = re.compile(rf"(\d{{1,4}}) ?({_UNIT})?")
_MAX_GB = 1 << 20
_ONE_RE = re.compile(rf"(?<![\w.])(\d{{1,4}})\s*({_UNIT})\s*(ram|озу|rom|пзу)?(?![\w])")


@dataclass(frozen=True)
class Memory:
    """RAM and ROM in GB, each None when unknown."""

    ram: int | None = None
    rom: int | None = None


def _gb(value: str, unit: str | None) -> int:
    n = int(value)
    return n * 1024 if unit and unit[0] in "tт" else n


def parse_size(value: object) -> int | None:
    """One size from an attribute value (``8``, ``"256gb"``, ``"1tb"``, ``"nan"``) in GB."""
    if value is None:
        return None
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return int(value) if 0 < value <= _MAX_GB else None  # NaN and inf compare False
    # Whitespace collapsed first: no regex below can backtrack over a run of it.
    m = _SIZE_RE.fullmatch(" ".join(str(value).lower().split()))
    return _gb(m.group(1), m.group(2)) if m else None


def extract(text: str) -> tuple[Memory, str]:
    """Find the memory in a lowercased title; return it and the title with it in one form.

    The canonical form is ``R/Sgb`` (or ``Sgb`` when RAM is unknown), so both sides of a pair
    write memory the same way before they are embedded.
    """
    for regex in (_PAIR_RE, _TWO_RE):
        for m in regex.finditer(text):
            pair_ram, pair_rom = int(m.group(1)), _gb(m.group(2), m.group(3))
            if pair_ram in RAM_SIZES and pair_rom in ROM_SIZES and pair_rom > pair_ram:
                return Memory(pair_ram, pair_rom), _replace(text, m, f"{pair_ram}/{pair_rom}gb")
    ram: int | None = None
    rom: int | None = None
    out = text
    for m in reversed(list(_ONE_RE.finditer(text))):
        size, role = _gb(m.group(1), m.group(2)), m.group(3)
        if role in ("ram", "озу") and size in RAM_SIZES and ram is None:
            ram = size
            out = _replace(out, m, "")
        elif role not in ("ram", "озу") and size in ROM_SIZES and size >= 16 and rom is None:
            rom = size
            out = _replace(out, m, f"{size}gb")
    if ram is not None and rom is not None:
        out = out.replace(f"{rom}gb", f"{ram}/{rom}gb", 1)
    return Memory(ram, rom), " ".join(out.split())


def _replace(text: str, m: re.Match[str], new: str) -> str:
    return text[: m.start()] + f" {new} " + text[m.end() :]
