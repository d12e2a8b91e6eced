"""Supplier attribute keys, in English and Russian, under one name each.

Suppliers send ``{"цвет": "синий"}``, ``{"Color": "Cosmic Black"}``, ``{"storage": "256"}``,
``{"объем памяти": "128 ГБ"}``, ``{"memory": "8/256"}``: read them all, or the wrong variant wins.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

CANONICAL: dict[str, tuple[str, ...]] = {
    "color": ("color", "colour", "цвет", "цвет корпуса", "окраска"),
    "ram": ("ram", "озу", "оперативная память", "оперативка", "ram, гб", "объем оперативной памяти"),
    "rom": (
        "rom", "storage", "память", "встроенная память", "объем памяти", "объем встроенной памяти",
        "внутренняя память", "пзу", "capacity", "storage capacity", "flash",
    ),
    "memory": ("memory", "ram/rom", "память ram/rom", "конфигурация памяти", "озу/пзу"),
    "brand": ("brand", "бренд", "производитель", "manufacturer", "vendor", "торговая марка"),
    "code": (
        "code", "article", "артикул", "арт", "sku", "mpn", "part number", "код", "код товара",
        "модель производителя", "vendor code",
    ),
    "volume": ("volume", "объем", "объём", "емкость", "ёмкость"),
    "mass": ("mass", "weight", "вес", "масса", "вес нетто"),
    "pieces": ("pieces", "количество", "кол-во", "шт", "в упаковке", "pack", "quantity"),
    "size": ("size", "размер", "габариты", "dimensions"),
    "power": ("power", "мощность"),
    "voltage": ("voltage", "напряжение"),
}  # fmt: skip

_LOOKUP = {alias: name for name, aliases in CANONICAL.items() for alias in aliases}


# a unit after a comma, a space or in brackets: "Объем, л", "вес (кг)", "ОЗУ ГБ" ("ram" is no "m")
_KEY_UNIT = re.compile(
    r"(?:,\s*|\s+|\s*\()(гб|gb|мб|mb|шт|кг|kg|л|l|мл|ml|г|g|мм|mm|м|m|вт|w)\)?\s*$"
)


def fold_key(key: str) -> str:
    """``" Объём памяти, ГБ "`` → ``"объем памяти"``: case, ё, units and punctuation folded."""
    text = _KEY_UNIT.sub("", key.strip().lower().replace("ё", "е"))
    return " ".join(re.sub(r"[^\w/ ]+", " ", text).split())


def canonical(attributes: Mapping[str, object] | None) -> dict[str, object]:
    """Known keys under their canonical name (first one wins); unknown keys dropped. A unit in
    the key goes with a bare number (``{"Объем, л": "5"}`` is 5 litres, not 5 of the base unit)."""
    out: dict[str, object] = {}
    for key, value in (attributes or {}).items():
        folded = str(key).strip().lower().replace("ё", "е")
        name = _LOOKUP.get(fold_key(folded))
        if name is None or value in (None, "") or name in out:
            continue
        unit = _KEY_UNIT.search(folded)
        if unit and re.fullmatch(r"\s*\d+(?:[.,]\d+)?\s*", str(value)):
            value = f"{str(value).strip()} {unit.group(1)}"
        out[name] = value
    return out


def unlisted(attributes: Mapping[str, object] | None) -> list[str]:
    """The values under keys :data:`CANONICAL` does not list (``{"Фасовка": "2 кг"}``): a
    profile may still read an amount with its unit from them."""
    return [
        str(value)
        for key, value in (attributes or {}).items()
        if value not in (None, "")
        and _LOOKUP.get(fold_key(str(key).strip().lower().replace("ё", "е"))) is None
    ]
