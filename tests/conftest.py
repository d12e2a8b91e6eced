"""Shared fixtures: the real default model, and real Tansu + Redis processes on loopback."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

from matcher.encoding import Encoder, load_encoder
from streams.devtools.embedded import Embedded, embedded
from streams.settings import Settings


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The files with the longest tests first (``@pytest.mark.long``), longest first: under
    ``make test``'s two xdist workers (``--no-loadscope-reorder`` keeps this order) the README
    walkthrough starts at once instead of last, and the two workers end together."""
    seconds: dict[str, float] = {}
    for item in items:
        for mark in item.iter_markers("long"):
            seconds[item.path.name] = seconds.get(item.path.name, 0.0) + float(mark.args[0])
    items.sort(key=lambda item: -seconds.get(item.path.name, 0.0))  # stable: order within kept


@pytest.fixture(scope="session")
def encoder() -> Encoder:
    """all-MiniLM-L6-v2 (from its PyPI package), loaded once: the fastest real model, for the
    wiring tests; the default model is run by the demo test, the README test and test_e5."""
    return load_encoder("all-MiniLM-L6-v2", "torch", batch_size=32)


@pytest.fixture(scope="session")
def servers() -> Iterator[Embedded]:
    """A Tansu broker and a redis-server for the whole session, stopped at the end."""
    with embedded() as env:
        yield env


@pytest.fixture()
def cfg(servers: Embedded) -> Settings:
    """Settings with topics, group and Redis prefix of this test alone."""
    tag = uuid.uuid4().hex[:8]
    return Settings(
        model="all-MiniLM-L6-v2",  # the `encoder` fixture's model: the wiring tests load with it
        kafka_bootstrap=servers.bootstrap,
        redis_url=servers.redis_url,
        input_topic=f"offers-{tag}",
        output_topic=f"matches-{tag}",
        dlq_topic=f"offers-{tag}.dlq",
        group_id=f"group-{tag}",
        redis_prefix=f"t{tag}",
        batch_size=16,
        batch_timeout_ms=100,
        http_port=0,
        profile="phones",  # the test data is the synthetic phone market
        retry_backoff_s=0.2,
    )
