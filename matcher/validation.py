"""Turn raw event bytes into an :class:`Offer`, or say exactly why not (for the dead-letter topic).

Every check runs in time linear in the event's size, and the size itself is bounded first, so no
event — however it is built — can make validation (or anything after it) slow, deep or huge.
"""

from __future__ import annotations

import json
import math
import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from matcher.events import Offer

# Error classes (the dead letter's ``error_class``).
EVENT_TOO_LARGE = "event_too_large"
INVALID_UTF8 = "invalid_utf8"
INVALID_JSON = "invalid_json"
NOT_AN_OBJECT = "not_an_object"
TOO_DEEP = "too_deep"
NON_FINITE_NUMBER = "non_finite_number"
NUMBER_TOO_LARGE = "number_too_large"
INVALID_STRING = "invalid_string"
FIELD_TOO_LONG = "field_too_long"
TOO_MANY_ATTRIBUTES = "too_many_attributes"
INVALID_FIELDS = "invalid_fields"
TITLE_TOO_LONG = "title_too_long"
EMPTY_TITLE = "empty_title"
PROCESSING_ERROR = "processing_error"

# C0 and C1 controls and DEL, except the tab that spreadsheets leave behind.
_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f-\x9f]")
_MAX_DIGITS = 30


class InvalidOffer(ValueError):
    """An event that can never be matched as sent; ``kind`` is the machine-readable class."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind


@dataclass(frozen=True)
class Limits:
    """Bounds on one input event; anything beyond goes to the dead-letter topic. The values are
    the deployment's (``MATCHER_MAX_*``, :mod:`streams.settings`): no defaults here."""

    max_event_bytes: int
    max_title_chars: int
    max_field_chars: int  # any other string: ids, attribute keys and values, extra fields
    max_attributes: int
    max_depth: int  # the offer object is depth 1, its ``attributes`` object depth 2


def parse_offer(raw: bytes | str, limits: Limits) -> Offer:
    """Decode, parse and validate one offer event.

    Raises :class:`InvalidOffer` with one of the error classes above.
    """
    size = len(raw.encode("utf-8", "surrogatepass") if isinstance(raw, str) else raw)
    if size > limits.max_event_bytes:
        raise InvalidOffer(
            EVENT_TOO_LARGE, f"event has {size} bytes, limit {limits.max_event_bytes}"
        )
    if isinstance(raw, bytes):
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise InvalidOffer(INVALID_UTF8, f"payload is not UTF-8: {exc}") from exc
    else:
        text = raw
    data = _loads(text)
    if not isinstance(data, dict):
        raise InvalidOffer(NOT_AN_OBJECT, f"payload is a JSON {type(data).__name__}, not object")
    _check_tree(data, limits)
    attributes = data.get("attributes")
    if isinstance(attributes, dict) and len(attributes) > limits.max_attributes:
        raise InvalidOffer(
            TOO_MANY_ATTRIBUTES,
            f"{len(attributes)} attributes, limit {limits.max_attributes}",
        )
    title = data.get("title")
    if isinstance(title, str) and len(title) > limits.max_title_chars:
        raise InvalidOffer(
            TITLE_TOO_LONG, f"title has {len(title)} characters, limit {limits.max_title_chars}"
        )
    try:
        return Offer.model_validate(data)
    except ValidationError as exc:
        fields = "; ".join(
            f"{'.'.join(str(p) for p in err['loc']) or '<root>'}: {err['msg']}"
            for err in exc.errors()
        )
        raise InvalidOffer(INVALID_FIELDS, fields) from exc


def _reject_constant(name: str) -> Any:
    raise InvalidOffer(NON_FINITE_NUMBER, f"{name} is not a number JSON allows")


def _finite(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise InvalidOffer(NON_FINITE_NUMBER, f"{text[:40]} is not a finite number")
    return value


def _bounded_int(text: str) -> int:
    if len(text.lstrip("-")) > _MAX_DIGITS:
        raise InvalidOffer(NUMBER_TOO_LARGE, f"an integer of {len(text)} digits")
    return int(text)


def _loads(text: str) -> Any:
    try:
        return json.loads(
            text,
            parse_constant=_reject_constant,
            parse_float=_finite,
            parse_int=_bounded_int,
        )
    except json.JSONDecodeError as exc:
        raise InvalidOffer(INVALID_JSON, f"payload is not JSON: {exc}") from exc
    except RecursionError as exc:
        raise InvalidOffer(TOO_DEEP, "JSON nested too deep to parse") from exc


def _check_tree(data: dict[str, Any], limits: Limits) -> None:
    """Depth, and every string (keys too), without recursion: one pass over the parsed tree."""
    stack: list[tuple[Any, int]] = [(data, 1)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, dict):
            if depth > limits.max_depth:
                raise InvalidOffer(TOO_DEEP, f"nesting deeper than {limits.max_depth}")
            for key, value in node.items():
                _check_string(key, limits.max_field_chars, "a key")
                if depth == 1 and key == "title" and isinstance(value, str):
                    _check_string(value, limits.max_title_chars, "title", length=False)
                else:
                    stack.append((value, depth + 1))
        elif isinstance(node, list):
            if depth > limits.max_depth:
                raise InvalidOffer(TOO_DEEP, f"nesting deeper than {limits.max_depth}")
            stack.extend((v, depth + 1) for v in node)
        elif isinstance(node, str):
            _check_string(node, limits.max_field_chars, "a string")


def _check_string(value: str, limit: int, what: str, length: bool = True) -> None:
    if length and len(value) > limit:
        raise InvalidOffer(FIELD_TOO_LONG, f"{what} of {len(value)} characters, limit {limit}")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise InvalidOffer(INVALID_STRING, f"{what} holds a lone surrogate") from exc
    m = _CONTROL.search(value)
    if m:
        name = unicodedata.name(m.group(), f"U+{ord(m.group()):04X}")
        raise InvalidOffer(INVALID_STRING, f"{what} holds the control character {name}")
