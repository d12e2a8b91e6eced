from __future__ import annotations

import json

import pytest

from matcher.validation import InvalidOffer, parse_offer


def test_valid_offer() -> None:
    raw = json.dumps(
        {"offer_id": "o1", "title": "redmi 13c 4/128", "attributes": {"ram": 4}, "price": 9990}
    )
    offer = parse_offer(raw.encode(), 512)
    assert offer.offer_id == "o1" and offer.attributes == {"ram": 4} and offer.price == 9990


@pytest.mark.parametrize(
    ("raw", "kind"),
    [
        (b"\xff\xfe\x00", "invalid_utf8"),
        (b"{not json", "invalid_json"),
        (b"[1, 2]", "not_an_object"),
        (b'{"offer_id": "o1"}', "invalid_fields"),
        (b'{"offer_id": 7, "title": "x"}', "invalid_fields"),
        (b'{"offer_id": "o1", "title": ["x"]}', "invalid_fields"),
        (b'{"offer_id": "o1", "title": "x", "price": "cheap"}', "invalid_fields"),
        (json.dumps({"offer_id": "o1", "title": "x" * 600}).encode(), "title_too_long"),
    ],
)
def test_invalid_offers_say_why(raw: bytes, kind: str) -> None:
    with pytest.raises(InvalidOffer) as err:
        parse_offer(raw, 512)
    assert err.value.kind == kind
    assert str(err.value)


def test_missing_field_is_named() -> None:
    with pytest.raises(InvalidOffer, match="title"):
        parse_offer(b'{"offer_id": "o1"}', 512)
