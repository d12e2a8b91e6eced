"""Prices written into titles (``12 990 руб``, ``цена: 1250``): never a quantity or a model number."""

from __future__ import annotations

import re

PRICE_RE = re.compile(
    r"(?:(?:цена|price|стоимость)\s*:?\s*)?[-–—]?\s*(?<![\w/+])\d{1,3}(?:[ \u00a0]\d{3})+(?:[.,]\d+)?"
    r"\s*(?:р\b\.?|руб\b\.?|rub\b|₽)"
    r"|(?:цена|price|стоимость)\s*:?\s*\d[\d \u00a0]*(?:[.,]\d+)?\s*(?:р\b\.?|руб\b\.?|₽)?"
    r"|(?<![\w/+])\d{3,6}(?:[.,]\d+)?\s*(?:р\b\.?|руб\b\.?|rub\b|₽)"
)


def drop(text: str) -> str:
    """``text`` without the prices it names."""
    return PRICE_RE.sub(" ", text)
