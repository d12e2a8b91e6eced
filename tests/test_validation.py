"""Validation: every way an event can be unusable has its own class, and none can raise anything
else or take long (property tests over arbitrary events)."""

from __future__ import annotations

import json
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from matcher.batch import BatchMatcher, RawRecord, dead
from matcher.profiles import get
from matcher.validation import InvalidOffer, parse_offer
from tests.fakes import LIMITS, FakePipeline, batch_matcher

PHONES = get("phones")
normalize = PHONES.normalize


def test_valid_offer() -> None:
    raw = json.dumps(
        {"offer_id": "o1", "title": "redmi 13c 4/128", "attributes": {"ram": 4}, "price": 9990}
    )
    offer = parse_offer(raw.encode(), LIMITS)
    assert offer.offer_id == "o1" and offer.attributes == {"ram": 4} and offer.price == 9990


def nested(depth: int) -> bytes:
    return (
        b'{"offer_id": "o", "title": "t", "attributes": {"a": '
        + b"[" * depth
        + b"]" * depth
        + b"}}"
    )


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
        (nested(3000), "too_deep"),  # json.loads itself would raise RecursionError
        (nested(20), "too_deep"),
        (b'{"offer_id": "o", "title": "t", "attributes": {"ram": 1e999}}', "non_finite_number"),
        (b'{"offer_id": "o", "title": "t", "price": NaN}', "non_finite_number"),
        (b'{"offer_id": "o", "title": "t", "price": -Infinity}', "non_finite_number"),
        (b'{"offer_id": "o", "title": "t", "price": 1' + b"0" * 5000 + b"}", "number_too_large"),
        (b'{"offer_id": "o", "title": "t", "supplier_id": "\\ud800"}', "invalid_string"),
        (b'{"offer_id": "o", "title": "a\\u0000b"}', "invalid_string"),
        (b'{"offer_id": "o", "title": "line\\nbreak"}', "invalid_string"),
        (b'{"offer_id": "o", "title": "t", "attributes": {"\\u001b": "x"}}', "invalid_string"),
        (
            json.dumps({"offer_id": "o", "title": "t", "note": "n" * 2000}).encode(),
            "field_too_long",
        ),
        (
            json.dumps(
                {"offer_id": "o", "title": "t", "attributes": {f"k{i}": i for i in range(80)}}
            ).encode(),
            "too_many_attributes",
        ),
        (b'{"offer_id": "o", "title": "' + b"x" * 70_000 + b'"}', "event_too_large"),
    ],
)
def test_invalid_offers_say_why(raw: bytes, kind: str) -> None:
    with pytest.raises(InvalidOffer) as err:
        parse_offer(raw, LIMITS)
    assert err.value.kind == kind
    assert str(err.value)


def test_missing_field_is_named() -> None:
    with pytest.raises(InvalidOffer, match="title"):
        parse_offer(b'{"offer_id": "o1"}', LIMITS)


def test_a_tab_is_allowed_and_a_title_of_colour_words_is_empty() -> None:
    assert parse_offer(b'{"offer_id": "o", "title": "redmi\\t13c"}', LIMITS).title == "redmi\t13c"
    outputs = batch_matcher(FakePipeline()).run(  # type: ignore[arg-type]
        [RawRecord(b'{"offer_id": "o", "title": "!!! new"}', b"o")]
    )
    assert [(o.kind, o.error_class) for o in outputs] == [("dead", "empty_title")]


def test_a_quadratic_attribute_is_fast() -> None:
    """``"1" + 20,000 spaces + "x"`` took seconds in a backtracking memory regex."""
    value = "1" + " " * 20_000 + "x"
    start = time.perf_counter()
    normalize("redmi 13c", {"ram": value, "rom": value, "color": value})
    assert time.perf_counter() - start < 0.1


def test_dead_letters_are_capped_and_say_so() -> None:
    big = b'{"offer_id": "o", "title": "' + "й".encode() * 200_000 + b'"}'
    out = dead(RawRecord(big, b"k", "offers", 0, 9), "event_too_large", "too big")
    letter = json.loads(out.value)
    assert letter["payload_truncated"] and letter["payload_bytes"] == len(big)
    assert len(out.value) < 256 * 1024 and letter["payload"].startswith('{"offer_id"')
    binary = dead(RawRecord(b"\xff" * 10, None), "invalid_utf8", "x")
    assert json.loads(binary.value)["payload"] is None


# -- property tests -------------------------------------------------------------------------

json_leaf = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=40)
)
json_value = st.recursive(
    json_leaf,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=30,
)
offer_like = st.fixed_dictionaries(
    {"offer_id": st.text(min_size=1, max_size=20), "title": st.text(max_size=80)},
    optional={
        "attributes": st.dictionaries(st.text(max_size=10), json_leaf, max_size=6),
        "supplier_id": st.text(max_size=20) | st.integers(),
        "price": st.floats(allow_nan=True, allow_infinity=True),
        "extra": json_value,
    },
)


def _encode(value: object) -> bytes:
    return json.dumps(value, ensure_ascii=False, allow_nan=True).encode("utf-8", "surrogatepass")


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=300) | offer_like.map(_encode) | json_value.map(_encode))
def test_any_event_is_an_offer_or_an_invalid_offer(raw: bytes) -> None:
    start = time.perf_counter()
    try:
        offer = parse_offer(raw, LIMITS)
    except InvalidOffer as exc:
        assert exc.kind and str(exc)
        return
    assert isinstance(offer.title, str)
    assert time.perf_counter() - start < 0.05


def _real_batch() -> BatchMatcher:
    from matcher.catalog import CatalogItem
    from matcher.catalog.ingest import build_index
    from matcher.decision import DecisionConfig
    from matcher.pipeline import Decisions, MatchPipeline
    from tests.fakes import HashEncoder

    enc = HashEncoder()
    items = [CatalogItem("a", "redmi 13c 4/128gb black"), CatalogItem("b", "poco x6 8/256 blue")]
    index = build_index(items, enc, PHONES, progress=False)  # type: ignore[arg-type]
    pipeline = MatchPipeline(
        enc, lambda: index, Decisions(DecisionConfig(threshold=0.5, profile="phones"))
    )  # type: ignore[arg-type]
    return batch_matcher(pipeline)


REAL = _real_batch()


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(offer_like.map(_encode))
def test_the_batch_path_never_raises_and_stays_fast(raw: bytes) -> None:
    """parse → normalize → match → serialize: one output per event, in bounded time."""
    start = time.perf_counter()
    outputs = REAL.run([RawRecord(raw, b"k")])
    assert len(outputs) == 1
    event = json.loads(outputs[0].value)  # always a valid event
    assert outputs[0].kind == "dead" or event["decision"] in ("match", "no_match", "review")
    assert time.perf_counter() - start < 0.2


@settings(max_examples=200, deadline=None)
@given(
    st.text(max_size=512),
    st.dictionaries(
        st.sampled_from(["color", "ram", "rom", "цвет"]),
        st.text(max_size=1024) | st.floats() | st.integers(),
        max_size=3,
    ),
)
def test_normalize_is_total_and_fast(title: str, attributes: dict[str, object]) -> None:
    start = time.perf_counter()
    normalize(title, attributes)
    assert time.perf_counter() - start < 0.05
