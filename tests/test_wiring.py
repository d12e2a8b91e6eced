"""The FastStream wiring, in memory (``TestKafkaBroker``), and what importing the app loads."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

import pytest
from faststream import TestApp
from faststream.kafka import TestKafkaBroker
from faststream.kafka.message import FakeConsumer
from faststream.specification import AsyncAPI

from streams.kafka import app as app_module
from streams.kafka.app import build_app
from streams.settings import Settings
from tests.fakes import FakePipeline, batch_matcher


class FakeMatcher:
    """What start-up needs of a matcher, without a model or Redis."""

    def __init__(self) -> None:
        self.pipeline = FakePipeline()
        self.batch = batch_matcher(self.pipeline)  # type: ignore[arg-type]
        self.catalog = None

        class Enc:
            fingerprint = "fake"

        self.encoder = Enc()


async def test_offers_in_results_and_dead_letters_out(monkeypatch: pytest.MonkeyPatch) -> None:
    async def no_topics(settings: Settings) -> None:
        return None

    commits: list[Any] = []

    async def commit(self: Any, offsets: Any = None) -> None:  # the in-memory consumer's takes none
        commits.append(offsets)

    monkeypatch.setattr(app_module, "ensure_topics", no_topics)
    monkeypatch.setattr(FakeConsumer, "commit", commit)
    cfg = Settings()
    matcher = build_app(cfg, FakeMatcher())  # type: ignore[arg-type]
    results: list[Any] = []
    dead: list[Any] = []

    @matcher.broker.subscriber(cfg.output_topic)
    async def on_result(body: dict[str, Any]) -> None:
        results.append(body)

    @matcher.broker.subscriber(cfg.dlq_topic)
    async def on_dead(body: dict[str, Any]) -> None:
        dead.append(body)

    async with TestKafkaBroker(matcher.broker) as broker, TestApp(matcher.app):
        await broker.publish(json.dumps({"offer_id": "a", "title": "x"}).encode(), cfg.input_topic)
        await broker.publish(b"{not json", cfg.input_topic, key=b"bad")
    assert [r["offer_id"] for r in results] == ["a"]
    assert [d["error_class"] for d in dead] == ["invalid_json"] and dead[0]["key"] == "bad"
    metrics = matcher.processor.metrics
    assert metrics.read("matcher_batch_size_sum") == 2
    assert metrics.total("matcher_batch_retries_total") == 0
    assert len(commits) == 2 and all(commits)  # each batch committed, with explicit offsets


def test_asyncapi_lists_the_four_topics_and_their_schemas() -> None:
    cfg = Settings()
    spec = json.loads(AsyncAPI(build_app(cfg).broker).to_specification().to_json())
    topics = {cfg.input_topic, cfg.output_topic, cfg.dlq_topic, cfg.review_topic}
    assert set(spec["channels"]) == topics
    assert {"Offer", "MatchResult", "DeadLetter"} <= set(spec["components"]["schemas"])


def test_importing_the_consumer_app_loads_no_ml_tooling() -> None:
    probe = (
        "import sys, streams.main; "
        "print(' '.join(sorted(m for m in sys.modules if m.split('.')[0] in "
        "{'datasets', 'accelerate', 'matplotlib', 'sklearn', 'scipy', 'sentence_transformers'} "
        "or m.startswith('matcher.lab'))))"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=120
    )
    assert out.stdout.strip() == ""


def test_the_composition_root_is_the_one_place_that_builds() -> None:
    """Encoders, stores, catalog views and decisions are built in streams/components.py only:
    the service, the CLI, the lab commands and the bench all go through it."""
    import re
    from pathlib import Path

    root = Path(__file__).parents[1]
    builders = re.compile(
        r"\b(load_encoder|RedisCatalog|LiveCatalog|Decisions|DecisionConfig\.load)\("
    )
    found = []
    for path in (root / "streams").rglob("*.py"):
        if path.name == "components.py":
            continue
        for n, line in enumerate(path.read_text("utf-8").splitlines(), 1):
            if builders.search(line):
                found.append(f"{path.relative_to(root)}:{n}: {line.strip()}")
    assert found == []
    assert "def build_encoder" in (root / "streams" / "components.py").read_text()
