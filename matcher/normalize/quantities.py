"""Quantities with units, and dimensions, read in one linear pass.

``0,5 л`` = ``500 мл``, ``9 кг`` = ``9000 г``, ``1 тыс. шт`` = ``1000 шт``, ``1tb`` = ``1024gb``,
``3,5x35 мм`` = ``3.5*35 mm``. Each is turned into a base unit (ml, g, mm, pieces, W, V, GB) so
two listings compare by value, and written back into the text in one canonical form, so the
lexical index and the model see the same token for the same amount. A ratio (``1:10``) or a
grade (``М500``) is not a quantity and stays as it is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# unit spelling → (attribute, factor to the base unit)
UNITS: dict[str, tuple[str, float]] = {
    **{u: ("volume", 1000.0) for u in ("л", "l", "литр", "литра", "литров", "ltr", "lt")},
    **{u: ("volume", 1.0) for u in ("мл", "ml")},
    **{u: ("mass", 1000.0) for u in ("кг", "kg", "килограмм")},
    **{u: ("mass", 1.0) for u in ("г", "гр", "g", "gr", "грамм")},
    **{u: ("length", 1.0) for u in ("мм", "mm")},
    **{u: ("length", 10.0) for u in ("см", "cm")},
    **{u: ("length", 1000.0) for u in ("м", "m", "метр", "метров", "пм", "п.м")},
    **{u: ("pieces", 1.0) for u in ("шт", "pcs", "pc", "штук", "штуки")},
    **{u: ("power", 1.0) for u in ("вт", "w")},
    **{u: ("power", 1000.0) for u in ("квт", "kw")},
    **{u: ("voltage", 1.0) for u in ("в", "v")},
    **{u: ("rom", 1.0) for u in ("gb", "гб")},
    **{u: ("rom", 1024.0) for u in ("tb", "тб")},
}
# How each base amount is written back: (attribute, threshold, bigger unit, factor, base unit)
_WRITE = {
    "volume": (1000.0, "l", "ml"),
    "mass": (1000.0, "kg", "g"),
    "length": (1000.0, "m", "mm"),
    "pieces": (1e9, "", "pcs"),
    "power": (1000.0, "kw", "w"),
    "voltage": (1e9, "", "v"),
    "rom": (1e9, "", "gb"),
}

_NUMBER = r"\d+(?:[ \u00a0]\d{3})*(?:[.,]\d+)?"
_UNIT_RE = "|".join(sorted((re.escape(u) for u in UNITS), key=len, reverse=True))
_QUANTITY = re.compile(
    rf"(?<![\w.,:/])({_NUMBER})\s?(тыс\.?|k)?\s?({_UNIT_RE})\.?(?![\w])", re.IGNORECASE
)
_SIZE = re.compile(
    rf"(?<![\w.,])({_NUMBER})\s?[xх×*]\s?({_NUMBER})(?:\s?[xх×*]\s?({_NUMBER}))?\s?"
    r"(мм|mm|см|cm|м|m)?(?![\w])",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Quantities:
    """Amounts in base units (None: not stated) and the dimensions, if any."""

    values: dict[str, float]
    size: str | None


def number(text: str) -> float:
    """``1 250,5`` → 1250.5 (a space groups thousands, a comma is the decimal point)."""
    return float(text.replace("\u00a0", "").replace(" ", "").replace(",", "."))


def _fmt(value: float) -> str:
    return f"{value:.3f}".rstrip("0").rstrip(".")


def write(attribute: str, value: float) -> str:
    """The one form of an amount in text: ``500ml``, ``9kg``, ``1024gb``."""
    threshold, big, base = _WRITE[attribute]
    if value >= threshold and big:
        return f"{_fmt(value / threshold)}{big}"
    return f"{_fmt(value)}{base}"


def extract(text: str, attributes: tuple[str, ...] = tuple(_WRITE)) -> tuple[Quantities, str]:
    """Amounts of the given kinds in a lowercased title, and the title with them canonical.

    The first amount of each kind wins (a title names its pack size once); dimensions are read
    first, so ``3,5x35 мм`` is a size, not 35 mm.
    """
    size = None

    def put_size(m: re.Match[str]) -> str:
        nonlocal size
        unit = (m.group(4) or "mm").lower()
        factor = {"мм": 1.0, "mm": 1.0, "см": 10.0, "cm": 10.0, "м": 1000.0, "m": 1000.0}[unit]
        parts = [number(g) * factor for g in m.groups()[:3] if g]
        canon = "x".join(_fmt(p) for p in parts) + "mm"
        size = size or canon
        return f" {canon} "

    text = _SIZE.sub(put_size, text)
    values: dict[str, float] = {}

    def put(m: re.Match[str]) -> str:
        unit = m.group(3).lower()
        name, factor = UNITS[unit]
        digits, lead = m.group(1), ""
        if name not in attributes or _not_an_amount(m, unit):
            return m.group(0)
        if name == "rom" and " " in digits:  # "8 256gb" is RAM and storage, not 8,256 GB
            lead, _, digits = digits.rpartition(" ")
        amount = number(digits) * (1000.0 if m.group(2) else 1.0) * factor
        values.setdefault(name, amount)
        return f" {lead} {write(name, amount)} "

    text = _QUANTITY.sub(put, text)
    return Quantities(values, size), " ".join(text.split())


def _not_an_amount(m: re.Match[str], unit: str) -> bool:
    """``3 в 1`` (three in one), ``2024 г.`` (the year): a number and a unit letter, no amount."""
    after = m.string[m.end() : m.end() + 3]
    if unit in ("в", "v") and re.match(r"\s?\d", after):
        return True
    return unit in ("г", "g", "гр") and 1990 <= number(m.group(1)) <= 2100


def parse_value(value: object, attribute: str) -> float | None:
    """An attribute value (``"9 кг"``, ``280``, ``"0,5л"``) as a base amount of ``attribute``."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (int, float)):
        return float(value) if 0 < value < 1e12 else None
    found, _ = extract(" ".join(str(value).lower().split()), (attribute,))
    if attribute in found.values:
        return found.values[attribute]
    try:
        plain = number(str(value).strip())
    except ValueError:
        return None
    return plain if 0 < plain < 1e12 else None
