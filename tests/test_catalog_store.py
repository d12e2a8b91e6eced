"""The Redis catalog layout, against fakeredis (real Redis is in the integration tests)."""

from __future__ import annotations

import fakeredis
import pytest

from matcher.catalog import CatalogItem, CatalogView, RedisCatalog, read_catalog
from matcher.catalog.ingest import load
from tests.fakes import HashEncoder


def items(*specs: tuple[str, str]) -> list[CatalogItem]:
    return [CatalogItem(cid, title) for cid, title in specs]


@pytest.fixture()
def store() -> RedisCatalog:
    return RedisCatalog(fakeredis.FakeRedis(), "t", HashEncoder.fingerprint, HashEncoder.dim)


def test_load_snapshot_and_versions(store: RedisCatalog) -> None:
    enc = HashEncoder()
    report = load(
        items(("a", "redmi 13c 4/128 black"), ("b", "poco x6 8/256 blue")),
        enc,
        store,
        progress=False,
    )  # type: ignore[arg-type]
    assert (report.version, report.embedded) == (1, 2)
    snap = store.snapshot()
    assert snap.version == 1 and sorted(e.catalog_id for e in snap.entries) == ["a", "b"]
    assert snap.vectors.shape == (2, HashEncoder.dim)
    by_id = {e.catalog_id: e for e in snap.entries}
    assert by_id["a"].attributes.ram == 4 and by_id["b"].attributes.color == "blue"


def test_unchanged_items_are_not_re_embedded(store: RedisCatalog) -> None:
    enc = HashEncoder()
    load(
        items(("a", "redmi 13c 4/128 black"), ("b", "poco x6 8/256 blue")),
        enc,
        store,
        progress=False,
    )  # type: ignore[arg-type]
    report = load(
        items(("a", "redmi 13c 4/128 black"), ("b", "poco x6 8/256 green")),
        enc,
        store,
        progress=False,
    )  # type: ignore[arg-type]
    assert (report.embedded, report.unchanged, report.version) == (1, 1, 2)
    assert enc.calls[-1] == 1
    same = load(items(("a", "redmi 13c 4/128 black")), enc, store, progress=False)  # type: ignore[arg-type]
    assert (same.embedded, same.version) == (0, 2)


def test_replace_deletes_missing_and_cache_follows(store: RedisCatalog) -> None:
    enc = HashEncoder()
    cache = CatalogView(store)
    load(
        items(("a", "redmi 13c 4/128 black"), ("b", "poco x6 8/256 blue")),
        enc,
        store,
        progress=False,
    )  # type: ignore[arg-type]
    first = cache.current()
    assert cache.current() is first  # no reload while the version is unchanged
    load(items(("a", "redmi 13c 4/128 black")), enc, store, replace=True, progress=False)  # type: ignore[arg-type]
    second = cache.current()
    assert second is not first and [e.catalog_id for e in second.entries] == ["a"]
    assert second.version == 2


def test_models_do_not_share_vectors() -> None:
    client = fakeredis.FakeRedis()
    a = RedisCatalog(client, "t", "model-a", HashEncoder.dim)
    b = RedisCatalog(client, "t", "model-b", HashEncoder.dim)
    load(items(("a", "redmi 13c")), HashEncoder(), a, progress=False)  # type: ignore[arg-type]
    assert len(a.snapshot()) == 1 and len(b.snapshot()) == 0


def test_read_catalog_jsonl_and_csv(tmp_path) -> None:  # type: ignore[no-untyped-def]
    j = tmp_path / "c.jsonl"
    j.write_text(
        '{"catalog_id": 1, "title": "redmi 13c", "attributes": {"color": "black"}}\n\n'
        '{"catalog_id": "2", "title": "poco x6", "ram": 8}\n',
        encoding="utf-8",
    )
    rows = read_catalog(j)
    assert [r.catalog_id for r in rows] == ["1", "2"]
    assert rows[0].attributes == {"color": "black"} and rows[1].attributes == {"ram": 8}
    c = tmp_path / "c.csv"
    c.write_text("catalog_id,title,color\nx,iphone 15 128gb,black\n", encoding="utf-8")
    assert read_catalog(c)[0].normalized.attributes.color == "black"
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"title": "no id"}\n', encoding="utf-8")
    with pytest.raises(ValueError, match="catalog_id"):
        read_catalog(bad)
