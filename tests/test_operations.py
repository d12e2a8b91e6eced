"""Operating it: the HTTP endpoint of a real running consumer, JSON logs, the AsyncAPI document,
and the documented way to start the embedded servers in the background."""

from __future__ import annotations

import json
import re
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from faststream.specification import AsyncAPI

from matcher.encoding import Encoder
from streams.devtools.embedded import free_port
from streams.kafka.app import build_app
from streams.kafka.topics import ensure_topics
from streams.settings import Settings
from tests.integration_helpers import (
    consumer_process,
    have_ids,
    load_catalog,
    offers_for,
    payloads,
    produce_to,
    read_topic,
    small_catalog,
    stop,
)

ROOT = Path(__file__).parents[1]


def get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as resp:
            return resp.status, resp.read().decode()
    except urllib.error.HTTPError as err:
        return err.code, err.read().decode()


def wait_http(url: str, status: int, timeout_s: float = 120) -> str:
    deadline = time.monotonic() + timeout_s
    last: tuple[int, str] = (0, "")
    while time.monotonic() < deadline:
        try:
            last = get(url)
            if last[0] == status:
                return last[1]
        except OSError:
            pass
        time.sleep(0.3)
    raise AssertionError(f"{url} never answered {status}; last {last}")


def metric(text: str, name: str, **labels: str) -> float:
    """The value of one sample in Prometheus text format."""
    for line in text.splitlines():
        if not line.startswith(name) or line.startswith("#"):
            continue
        found = dict(re.findall(r'(\w+)="([^"]*)"', line.split(" ")[0]))
        if line.split("{")[0].split(" ")[0] == name and all(
            found.get(k) == v for k, v in labels.items()
        ):
            return float(line.rsplit(" ", 1)[1])
    raise AssertionError(f"no sample {name}{labels}")


@pytest.mark.integration
async def test_endpoint_of_a_running_consumer(
    cfg: Settings, encoder: Encoder, tmp_path: Path
) -> None:
    port = free_port()
    cfg = cfg.model_copy(update={"http_port": port, "http_host": "127.0.0.1", "log_format": "json"})
    await ensure_topics(cfg)
    base = f"http://127.0.0.1:{port}"
    log = tmp_path / "run.log"
    proc = consumer_process(cfg, log_path=str(log))
    try:
        assert json.loads(wait_http(f"{base}/healthz", 200))["alive"]
        # No catalog yet: alive, not ready, and it says why.
        body = json.loads(wait_http(f"{base}/readyz", 503))
        assert body["ready"] is False and body["checks"]["catalog"] is False
        load_catalog(cfg, encoder, small_catalog())
        ready = json.loads(wait_http(f"{base}/readyz", 200, 60))
        assert ready["ready"] and ready["catalog_version"] == 1 and ready["catalog_items"] == 150
        offers = [dict(o, offer_id=f"h-{i}") for i, o in enumerate(offers_for(small_catalog(30)))]
        await produce_to(cfg, [*payloads(offers), (b"bad", b"{not json")])
        events = await read_topic(
            cfg, cfg.output_topic, have_ids(o["offer_id"] for o in offers), 120
        )
        assert len({e["offer_id"] for e in events}) == len(offers)
        text = ""
        for _ in range(50):  # the dead letter's batch may still be finishing
            status, text = get(f"{base}/metrics")
            assert status == 200
            if "invalid_json" in text:
                break
            time.sleep(0.2)
        assert metric(text, "matcher_offers_total") == len(offers) + 1
        matched = metric(text, "matcher_results_total", decision="match", reason="match")
        assert matched >= 25
        assert metric(text, "matcher_dead_letters_total", error_class="invalid_json") == 1
        assert metric(text, "matcher_catalog_version") == 1
        assert metric(text, "matcher_catalog_items") == 150
        assert metric(text, "matcher_paused") == 0
        assert metric(text, "matcher_batch_size_count") >= 1
        assert metric(text, "matcher_stage_seconds_count", stage="encode") >= 1
        assert metric(text, "matcher_consumer_lag", topic=cfg.input_topic, partition="0") >= 0
        assert metric(text, "matcher_vector_cache_total", outcome="miss") >= 1
        assert "faststream_received_messages_total" in text  # FastStream's own middleware
        status, docs = get(f"{base}/docs")
        assert status == 200 and "asyncapi" in docs.lower()
    finally:
        assert stop(proc) == 0
    # JSON logs: every line is an object; the dead letter says where it came from.
    lines = []
    for line in log.read_text().splitlines():
        if line.strip():
            try:
                lines.append(json.loads(line))
            except ValueError:
                raise AssertionError(f"not a JSON log line: {line!r}") from None
    dead = [r for r in lines if r.get("error_class") == "invalid_json"]
    assert dead and dead[0]["topic"] == cfg.input_topic and "offset" in dead[0]


def test_committed_asyncapi_document_is_current() -> None:
    committed = json.loads((ROOT / "docs" / "asyncapi.json").read_text())
    app = build_app(Settings(), http=False).app
    spec = app.schema.to_specification() if hasattr(app, "schema") else None
    current = json.loads(spec.to_json()) if spec is not None else None
    if current is None:  # older FastStream: build it from the broker
        current = json.loads(AsyncAPI(build_app(Settings()).broker).to_specification().to_json())
    assert committed == current, "run `make asyncapi` and commit docs/asyncapi.json"
    assert set(committed["channels"]) == {"offers", "matches", "offers.dlq", "matches.review"}
