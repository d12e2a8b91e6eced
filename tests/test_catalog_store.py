"""The Redis catalog: layout, loads, changes and the consumer's live view (fakeredis; real Redis
is in the integration tests)."""

from __future__ import annotations

import fakeredis
import numpy as np
import pytest

from matcher import profiles
from matcher.catalog import (
    CatalogItem,
    CatalogMissing,
    CatalogUnavailable,
    RedisCatalog,
    ingest,
    read_catalog,
)
from matcher.catalog import LiveCatalog as Live
from matcher.catalog.columns import AttributeColumns
from matcher.catalog.ingest import EmptyReplace, load
from matcher.normalize import Attributes
from matcher.scoring import Scorer
from tests.fakes import HashEncoder

PHONES = profiles.get("phones")


def LiveCatalog(store: RedisCatalog, **kw: object) -> Live:
    """The consumer's view with the settings' refresh and staleness defaults."""
    args: dict[str, object] = {"refresh_s": 0.5, "max_staleness_s": 10.0} | kw
    return Live(store, profiles.get, **args)  # type: ignore[arg-type]


def items(*specs: tuple[str, str]) -> list[CatalogItem]:
    return [CatalogItem(cid, title) for cid, title in specs]


TWO = items(("a", "redmi 13c 4/128 black"), ("b", "poco x6 8/256 blue"))


@pytest.fixture()
def store() -> RedisCatalog:
    return RedisCatalog(fakeredis.FakeRedis(), "t", HashEncoder.fingerprint, HashEncoder.dim)


def ids(view: LiveCatalog) -> list[str]:
    index = view.current()
    return sorted(str(index.ids[r]) for r in range(index.rows) if index.alive[r])


def test_first_load_writes_a_base_the_view_hydrates(store: RedisCatalog) -> None:
    report = load(TWO, HashEncoder(), store, PHONES, progress=False)  # type: ignore[arg-type]
    assert (report.version, report.embedded, report.rebuilt) == (1, 2, True)
    index = LiveCatalog(store).current()
    assert index.version == 1 and sorted(index.ids.tolist()) == ["a", "b"]
    by_id = {str(index.ids[r]): index.attributes(r) for r in range(index.rows)}
    assert by_id["a"].integer("ram") == 4 and by_id["b"].text("color") == "blue"
    assert index.profile == "phones" and store.head().profile == "phones"  # type: ignore[union-attr]
    assert all(k.startswith(b"{t:hash-encoder}:") for k in store.client.scan_iter())  # one hash tag


def test_unchanged_items_are_not_re_embedded(store: RedisCatalog) -> None:
    enc = HashEncoder()
    load(TWO, enc, store, PHONES, progress=False)  # type: ignore[arg-type]
    changed = items(("a", "redmi 13c 4/128 black"), ("b", "poco x6 8/256 green"))
    report = load(changed, enc, store, PHONES, progress=False)  # type: ignore[arg-type]
    assert (report.embedded, report.unchanged, report.version, report.rebuilt) == (1, 1, 2, False)
    assert enc.calls[-1] == 1
    same = load(items(("a", "redmi 13c 4/128 black")), enc, store, PHONES, progress=False)  # type: ignore[arg-type]
    assert (same.embedded, same.version) == (0, 2)


def test_changes_reach_the_view_as_a_delta(store: RedisCatalog) -> None:
    enc = HashEncoder()
    load(TWO, enc, store, PHONES, progress=False)  # type: ignore[arg-type]
    view = LiveCatalog(store)
    first = view.current()
    assert view.current() is first  # nothing moved: the same snapshot
    load(items(("c", "realme c61 6/128 gold")), enc, store, PHONES, progress=False)  # type: ignore[arg-type]
    second = view.current()
    assert second.base is first.base  # the base was not re-read: only the change
    assert second.version == 2 and ids(view) == ["a", "b", "c"]
    load(items(("a", "redmi 13c 4/128 black")), enc, store, PHONES, replace=True, progress=False)  # type: ignore[arg-type]
    assert ids(view) == ["a"] and view.current().version == 3
    # The delta's rows are matched too: search finds the added item by its own vector.
    load(items(("d", "tecno spark 20 8/256 gold")), enc, store, PHONES, progress=False)  # type: ignore[arg-type]
    index = view.current()
    (cands,) = index.search(enc.encode(["tecno spark 20 8/256 gold"]), Scorer(0.0))
    assert str(index.ids[int(np.argmax(cands.scores))]) == "d"
    assert not np.isfinite(cands.scores[~index.alive]).any()  # deleted rows never score


def test_a_large_change_rewrites_the_base(store: RedisCatalog) -> None:
    enc = HashEncoder()
    load(TWO, enc, store, PHONES, progress=False)  # type: ignore[arg-type]
    view = LiveCatalog(store)
    old = view.current()
    many = [CatalogItem(f"n{i}", f"infinix hot {i} 8/128 black") for i in range(1200)]
    report = load(many, enc, store, PHONES, progress=False)  # type: ignore[arg-type]
    assert report.rebuilt
    new = view.current()
    assert new.load_id != old.load_id and len(new) == 1202 and len(new.delta) == 0
    assert store.log_length() == 0
    assert not any(old.load_id.encode() in k for k in store.client.scan_iter())  # old base dropped


def test_a_flushed_and_reloaded_catalog_is_picked_up(store: RedisCatalog) -> None:
    enc = HashEncoder()
    load(TWO, enc, store, PHONES, progress=False)  # type: ignore[arg-type]
    view = LiveCatalog(store)
    assert view.current().version == 1
    store.client.flushall()
    with pytest.raises(CatalogMissing):
        view.current()
    assert not view.status().ready
    load(items(("z", "honor x9b 12/256 green")), enc, store, PHONES, progress=False)  # type: ignore[arg-type]
    assert view.current().version == 1 and ids(view) == ["z"]  # same version number, new load


def test_allow_empty_and_staleness(store: RedisCatalog) -> None:
    assert len(LiveCatalog(store, allow_empty=True).current()) == 0
    now = [0.0]
    view = LiveCatalog(store, max_staleness_s=5, allow_empty=True, clock=lambda: now[0])
    view.current()
    view.start()  # from now on only the (stopped) refresher would refresh
    view.stop()
    view._thread = object()  # type: ignore[assignment]  # pretend the refresher is running
    now[0] = 6.0
    with pytest.raises(CatalogUnavailable):
        view.current()
    assert not view.status().ready


def test_replace_with_nothing_refuses_unless_forced(store: RedisCatalog) -> None:
    enc = HashEncoder()
    load(TWO, enc, store, PHONES, progress=False)  # type: ignore[arg-type]
    with pytest.raises(EmptyReplace):
        load([], enc, store, PHONES, replace=True, progress=False)  # type: ignore[arg-type]
    assert LiveCatalog(store).current().version == 1
    emptied = load([], enc, store, PHONES, replace=True, force=True, progress=False)  # type: ignore[arg-type]
    assert emptied.deleted == 2 and len(LiveCatalog(store).current()) == 0


def test_delete_by_id(store: RedisCatalog) -> None:
    load(TWO, HashEncoder(), store, PHONES, progress=False)  # type: ignore[arg-type]
    report = ingest.delete(store, ["a"], PHONES.schema)
    assert report.version == 2 and ids(LiveCatalog(store)) == ["b"]


def test_models_do_not_share_vectors() -> None:
    client = fakeredis.FakeRedis()
    a = RedisCatalog(client, "t", "model-a", HashEncoder.dim)
    b = RedisCatalog(client, "t", "model-b", HashEncoder.dim)
    load(items(("a", "redmi 13c")), HashEncoder(), a, PHONES, progress=False)  # type: ignore[arg-type]
    assert len(LiveCatalog(a).current()) == 1
    with pytest.raises(CatalogMissing):
        LiveCatalog(b).current()


def test_columns_round_trip_and_concat() -> None:
    a = [Attributes(color="green", ram=8), Attributes(brand="xiaomi", model="14 pro")]
    b = [Attributes(color="blue", brand="xiaomi"), Attributes()]
    cols = AttributeColumns.build(a, PHONES.schema)
    back = AttributeColumns.from_bytes(cols.to_bytes(), PHONES.schema)
    assert [back.row(i) for i in range(2)] == a and back.missing == ()
    both = cols.concat(AttributeColumns.build(b, PHONES.schema))
    assert [both.row(i) for i in range(4)] == a + b


def test_a_column_the_snapshot_lacks_reads_as_unknown() -> None:
    """A schema that grew a field still reads an older snapshot: the new column is unknown
    (never a conflict) and named as missing; a column the schema dropped is ignored."""
    from matcher.normalize import Field, Schema

    old = Schema((Field("ram", "int"), Field("color", "str"), Field("gone", "float")))
    new = Schema(
        (Field("ram", "int"), Field("color", "str"), Field("codes", "multi"), Field("w", "float")),
        version=2,
    )
    blob = AttributeColumns.build(
        [Attributes(ram=8, color="red", gone=1.0), Attributes()], old
    ).to_bytes()
    back = AttributeColumns.from_bytes(blob, new)
    assert back.missing == ("codes", "w")
    assert back.row(0) == Attributes(ram=8, color="red") and back.row(1) == Attributes()
    assert np.isnan(back["w"]).all() and back["codes"].of(0) == ()


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
    item = read_catalog(c)[0]
    assert PHONES.normalize(item.title, item.attributes).attributes.text("color") == "black"
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"title": "no id"}\n', encoding="utf-8")
    with pytest.raises(ValueError, match="catalog_id"):
        read_catalog(bad)


def test_large_catalogs_search_through_ann_with_exact_guards() -> None:
    from matcher.catalog.index import CatalogIndex
    from matcher.catalog.segment import Segment
    from matcher.decision import GuardSet
    from matcher.decision.search import best_compatible, blocking_pool

    rng = np.random.default_rng(1)
    n, dim = 3000, 32
    vecs = rng.standard_normal((n, dim)).astype(np.float32)
    vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
    attrs = [Attributes(model=f"m{i % 300}", ram=8 if (i // 300) % 2 else 12) for i in range(n)]
    ids = [f"i{i:05d}" for i in range(n)]  # sorted as built: rows keep their numbers
    base = Segment.build(ids, ["t"] * n, attrs, vecs, PHONES.schema, ann_min_items=1000)
    assert base.ann is not None and base.vectors is None
    index = CatalogIndex(base, version=1)
    assert not index.exact
    # The ANN proposes; scores are exact (up to int8) for what it proposes.
    (cands,) = index.search(vecs[[42]], Scorer(0.0))
    assert 42 in cands.rows and cands.scores[list(cands.rows).index(42)] > 0.98
    assert len(cands.rows) < n
    # An offer for model m7 with 12 GB: the blocking pool brings in every m7 item, so the guarded
    # variant is found even when the ANN does not propose it.
    offer = Attributes(model="m7", ram=12)
    pool = blocking_pool(offer, index, PHONES.blocking)
    assert pool is not None and sorted(pool.tolist()) == list(range(7, n, 300))
    (pooled,) = index.search(vecs[[43]], Scorer(0.0), pools=[pool])
    row, _ = best_compatible(offer, pooled, index, GuardSet(PHONES.guards))  # type: ignore[misc]
    assert attrs[row].text("model") == "m7" and attrs[row].integer("ram") == 12
    # A snapshot round trip keeps the ANN index.
    again = Segment.from_parts(base.to_parts(), dim, PHONES.schema)
    assert again.ann is not None and len(again) == n
