"""A catalog written by the previous release still loads, is served and reports what to do.

``fixtures/legacy_catalog_v0.json.gz`` holds the Redis keys that the previous release's
``matcher catalog load`` wrote for two small catalogs (a phone one and a generic one): a
namespace with the profile tag in it, no profile or schema recorded, items without sources.
"""

from __future__ import annotations

import base64
import gzip
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
import redis

from matcher.catalog import CatalogItem
from matcher.encoding import Encoder
from matcher.events import Offer
from streams.components import build_matcher, live_catalog, load_catalog
from streams.settings import Settings, to_env

pytestmark = pytest.mark.integration

FIXTURES = Path(__file__).parent / "fixtures"
OLD_FINGERPRINT = "all-MiniLM-L6-v2-4f3934ab8afa"


def restore(client: redis.Redis, prefix: str, fingerprint: str) -> None:
    """The fixture's keys under ``prefix``, for this model's fingerprint (the packaged model's
    files may change between releases of its wheel; the layout is what is under test)."""
    with gzip.open(FIXTURES / "legacy_catalog_v0.json.gz") as fh:
        data = json.loads(fh.read())
    for key, entry in data.items():
        name = key.replace("{legacy:", f"{{{prefix}:").replace(OLD_FINGERPRINT, fingerprint)
        value = entry["value"]
        if entry["type"] == "string":
            client.set(name, base64.b64decode(value))
        elif entry["type"] == "hash":
            client.hset(name, mapping={k: base64.b64decode(v) for k, v in value.items()})
        else:
            for _, fields in value:
                client.xadd(name, fields)


def phones_heldout() -> tuple[list[CatalogItem], list[dict[str, object]]]:
    rows = [json.loads(x) for x in (FIXTURES / "phones_heldout" / "catalog.jsonl").open()]
    items = [CatalogItem(r["catalog_id"], r["title"], r.get("attributes") or {}) for r in rows]
    offers = [json.loads(x) for x in (FIXTURES / "phones_heldout" / "offers.jsonl").open()]
    return items, offers


def test_a_catalog_written_by_the_previous_release_is_served(
    cfg: Settings, encoder: Encoder
) -> None:
    cfg = cfg.model_copy(update={"profile": "auto"})
    client = redis.Redis.from_url(cfg.redis_url)
    restore(client, cfg.redis_prefix, encoder.fingerprint)
    # The phone catalog (24 items, one deleted by a later change in its log) is found in its
    # legacy namespace and read with the profile its namespace names.
    view = live_catalog(cfg.model_copy(update={"profile": "phones"}), encoder)
    index = view.current()
    status = view.status()
    assert status.ready and status.legacy == "phones7" and index.profile == "phones"
    assert len(index) == 23 and index.version == 2
    assert any("legacy namespace" in note for note in status.notes)
    # It decides as before: offers for its items match them.
    items, offers = phones_heldout()
    kept = {str(index.catalog_id(r)) for r in range(index.rows) if index.alive[r]}
    mine = [o for o in offers if o["expected_catalog_id"] in kept]
    matcher = build_matcher(cfg.model_copy(update={"profile": "phones"}), encoder)
    results = matcher.pipeline.match([Offer.model_validate(o) for o in mine])
    right = sum(
        r.catalog_id == o["expected_catalog_id"] for o, r in zip(mine, results, strict=True)
    )
    assert len(mine) >= 20 and right / len(mine) >= 0.8
    # `matcher catalog status` says what it serves and what to do.
    env = {**to_env(cfg.model_copy(update={"profile": "phones"})), "HF_HUB_OFFLINE": "1"}
    out = subprocess.run(
        [sys.executable, "-m", "streams.cli", "catalog", "status", "--json"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    report = json.loads(out.stdout.strip().splitlines()[-1])
    assert report["legacy_namespace"] == "phones7" and report["items"] == 23
    assert report["profile"] == "phones" and report["schema_version"] == 0
    assert any("matcher catalog load" in n for n in report["notes"])
    # A load writes the current layout; the consumer moves to it by itself.
    load_catalog(cfg.model_copy(update={"profile": "phones"}), encoder, items[:30], progress=False)
    view.refresh()
    now = view.status()
    assert now.legacy is None and now.items == 30 and now.schema_version >= 1
    assert client.hget(view.store.head_key, "profile") == b"phones"
    assert not re.search(r"-phones7\}", view.store.ns)
