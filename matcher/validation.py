"""Turn raw event bytes into an :class:`Offer`, or say exactly why not (for the dead-letter topic)."""

from __future__ import annotations

import json

from pydantic import ValidationError

from matcher.events import Offer


class InvalidOffer(ValueError):
    """An event that can never be matched as sent; ``kind`` is the machine-readable class."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind


def parse_offer(raw: bytes | str, max_title_chars: int) -> Offer:
    """Decode, parse and validate one offer event.

    Raises :class:`InvalidOffer` with kind ``invalid_utf8``, ``invalid_json``, ``not_an_object``,
    ``invalid_fields`` or ``title_too_long``.
    """
    if isinstance(raw, bytes):
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise InvalidOffer("invalid_utf8", f"payload is not UTF-8: {exc}") from exc
    else:
        text = raw
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InvalidOffer("invalid_json", f"payload is not JSON: {exc}") from exc
    if not isinstance(data, dict):
        raise InvalidOffer("not_an_object", f"payload is a JSON {type(data).__name__}, not object")
    try:
        offer = Offer.model_validate(data)
    except ValidationError as exc:
        fields = "; ".join(
            f"{'.'.join(str(p) for p in err['loc']) or '<root>'}: {err['msg']}"
            for err in exc.errors()
        )
        raise InvalidOffer("invalid_fields", fields) from exc
    if len(offer.title) > max_title_chars:
        raise InvalidOffer(
            "title_too_long", f"title has {len(offer.title)} characters, limit {max_title_chars}"
        )
    return offer
