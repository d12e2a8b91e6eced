"""People in the loop, end to end on the real broker and Redis: offers in → reviews out (on the
output and the review topic) → answers on the review page's API → corrected results out →
after a consumer restart the same lines are served from the answers, a rejected pair is never
matched again, and bad answers change nothing."""

from __future__ import annotations

import asyncio
import json
import urllib.error
import urllib.request
from typing import Any

import pytest

from matcher.encoding import Encoder
from matcher.profiles import get
from streams.devtools.demo import produce
from streams.ops.runner import serving
from streams.review.app import build_review_app
from streams.settings import Settings
from tests.integration_helpers import (
    consumer,
    load_catalog,
    payloads,
    read_topic,
    small_catalog,
)

pytestmark = pytest.mark.integration
TOKEN = "review-secret"


async def call(
    url: str, body: dict[str, Any] | None = None, token: str | None = TOKEN
) -> tuple[int, Any]:
    """A JSON request to the review API: (status, JSON body) — in a thread, as the server runs
    in this event loop."""
    return await asyncio.to_thread(_call, url, body, token)


def _call(url: str, body: dict[str, Any] | None, token: str | None) -> tuple[int, Any]:
    headers = {"Content-Type": "application/json", "X-Reviewer": "ann"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(
        url, data=data, headers=headers, method="POST" if data else "GET"
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


def by_id(events: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {e["offer_id"]: e for e in events}


async def test_reviews_answers_and_remembered_lines(cfg: Settings, encoder: Encoder) -> None:
    cfg = cfg.model_copy(update={"review_band": 0.6, "review_token": TOKEN})  # all unsure
    items = small_catalog(40)
    load_catalog(cfg, encoder, items)
    lines: dict[str, str] = {}  # four different lines (an answer settles its whole line)
    for it in items:
        title = it.title.split(" (")[0]
        lines.setdefault(get("phones").normalize(title).title, title)
    titles = list(lines.values())[:4]
    first = [{"offer_id": f"a{i}", "supplier_id": "s1", "title": t} for i, t in enumerate(titles)]
    async with consumer(cfg, encoder):
        await produce(cfg.kafka_bootstrap, cfg.input_topic, payloads(first))
        out = by_id(await read_topic(cfg, cfg.output_topic, lambda e: len(e) >= 4, 120))
        reviews = by_id(await read_topic(cfg, cfg.review_topic, lambda e: len(e) >= 4, 60))
    assert {e["decision"] for e in out.values()} == {"review"} and set(reviews) == set(out)
    proposed = {oid: e["proposed_catalog_id"] for oid, e in out.items()}
    other = next(it.catalog_id for it in items[10:] if it.catalog_id not in proposed.values())

    async with serving(build_review_app(cfg, encoder)) as url:
        answers = f"{url}/api/answers"
        status, queue = await call(f"{url}/api/queue")
        assert status == 200 and queue["depth"] == 4
        # bad answers are refused and change nothing
        assert (await call(answers, {"offer_id": "a0", "action": "confirm"}, None))[0] == 401
        assert (await call(answers, {"offer_id": "nope", "action": "confirm"}))[0] == 404
        bad_item = {"offer_id": "a1", "action": "pick", "catalog_id": "no-such-item"}
        assert (await call(answers, bad_item))[0] == 422
        assert (await call(f"{url}/api/queue"))[1]["depth"] == 4
        # the answers
        assert await call(answers, {"offer_id": "a0", "action": "confirm"}) == (
            200,
            {"settled": ["a0"], "published": 1},
        )
        assert (await call(answers, {"offer_id": "a0", "action": "confirm"}))[0] == 409  # stale
        pick = {"offer_id": "a1", "action": "pick", "catalog_id": other}
        assert (await call(answers, pick))[0] == 200
        assert (await call(answers, {"offer_id": "a2", "action": "reject"}))[0] == 200
        assert (await call(answers, {"offer_id": "a3", "action": "none"}))[0] == 200
        assert (await call(f"{url}/api/queue"))[1]["depth"] == 0
        metrics = await asyncio.to_thread(
            lambda: urllib.request.urlopen(f"{url}/metrics", timeout=10).read().decode()
        )
        assert 'matcher_review_answers_total{action="confirm"} 1.0' in metrics
    corrected = [e for e in await read_topic(cfg, cfg.output_topic, lambda e: len(e) >= 8, 60)]
    people = by_id([e for e in corrected if e["decided_by"] == "person"])
    assert people["a0"]["catalog_id"] == proposed["a0"] and people["a0"]["reviewer"] == "ann"
    assert people["a1"]["catalog_id"] == other and people["a3"]["decision"] == "no_match"

    # A new consumer (a restart): the same lines again, with new offer ids.
    again = [dict(o, offer_id=f"b{i}") for i, o in enumerate(first)]
    async with consumer(cfg, encoder) as app:
        await produce(cfg.kafka_bootstrap, cfg.input_topic, payloads(again))
        events = await read_topic(cfg, cfg.output_topic, lambda e: len(e) >= 12, 120)
        served = app.metrics.read("matcher_aliases_served_total")
    second = by_id([e for e in events if e["offer_id"].startswith("b")])
    assert (second["b0"]["catalog_id"], second["b0"]["reason"]) == (
        proposed["a0"],
        "match:confirmed",
    )
    assert (second["b1"]["catalog_id"], second["b1"]["reason"]) == (other, "match:confirmed")
    assert second["b3"]["reason"] == "no_match:confirmed"
    rejected = proposed["a2"]
    assert (
        second["b2"]["catalog_id"] != rejected and second["b2"]["proposed_catalog_id"] != rejected
    )
    assert rejected not in [c["catalog_id"] for c in second["b2"]["candidates"]]
    assert served == 3
