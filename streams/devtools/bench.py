"""``matcher bench``: throughput and catalog scale, measured in one run on this machine.

Stream: per backend, a real ``matcher run`` process on embedded servers matches offers that were
published beforehand; offers/s in steady state (from the 10 % mark to the last result) is set
against the raw encoder on exactly the texts the service embedded, in the same run. Then the same
offers are sent again with new ids (a re-sent price list) and measured the same way. Decisions
are compared across backends, and the generated phone test split is evaluated per backend.

Catalog scale (``--catalog-size N``): N items with random unit vectors are written to Redis; a
fresh process hydrates them, matches batches of 64 offers (batch time against the encode of the
same 64), receives a 100-item update while it keeps matching, and reports its peak RSS.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import numpy as np

from streams.settings import Settings, to_env


def _child(cfg: Settings, log: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, **to_env(cfg), "HF_HUB_OFFLINE": "1"}
    with log.open("wb") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "streams.cli", "run"],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def _stop(proc: subprocess.Popen[bytes]) -> None:
    import signal

    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(60)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(10)


async def _timed_results(
    cfg: Settings, ids: set[str], timeout_s: float
) -> tuple[dict[str, Any], float]:
    """Results for ``ids`` and steady-state offers/s (from the 10 % mark to the last one)."""
    from aiokafka import AIOKafkaConsumer

    reader = AIOKafkaConsumer(
        cfg.output_topic, bootstrap_servers=cfg.kafka_bootstrap, auto_offset_reset="earliest"
    )
    await reader.start()
    got: dict[str, Any] = {}
    marks: list[float] = []
    deadline = time.monotonic() + timeout_s
    try:
        while len(got) < len(ids) and time.monotonic() < deadline:
            for records in (await reader.getmany(timeout_ms=100)).values():
                for r in records:
                    event = json.loads(r.value)
                    if event["offer_id"] in ids and event["offer_id"] not in got:
                        got[event["offer_id"]] = event
                        marks.append(time.monotonic())
    finally:
        await reader.stop()
    if len(got) < len(ids):
        raise TimeoutError(f"only {len(got)} of {len(ids)} results in {timeout_s}s")
    # Results come in bursts (a batch at a time): count only what arrived after the 10 % mark.
    start = marks[len(marks) // 10]
    after = sum(1 for m in marks if m > start)
    return got, after / max(1e-9, marks[-1] - start)


def _raw_rates(cfg: Settings, texts: list[str]) -> dict[int, float]:
    """The model alone on ``texts`` (sentence-transformers ``encode``, or the ONNX session; no
    cache), at batch 64 and at the service's model batch: texts per second."""
    from streams.components import build_encoder

    out = {}
    for batch in sorted({64, cfg.encode_batch_size}):
        encoder = build_encoder(
            cfg.model_copy(update={"encode_batch_size": batch, "vector_cache_size": 0})
        )
        encoder.encode(texts[:64])
        start = time.perf_counter()
        encoder.encode(texts)
        out[batch] = len(texts) / (time.perf_counter() - start)
    return out


async def stream(cfg: Settings, work: Path, offers: list[dict[str, Any]]) -> dict[str, Any]:
    """One backend: first pass, repeat pass, and the raw encoder on the same texts (measured
    before and after the stream; the faster of the two, so the ratio errs against the stream)."""
    from matcher import profiles
    from matcher.catalog import read_catalog
    from streams.components import build_encoder, load_catalog
    from streams.devtools.demo import offer_payload, produce
    from streams.kafka.topics import ensure_topics

    await ensure_topics(cfg)
    encoder = build_encoder(cfg)
    report = load_catalog(cfg, encoder, read_catalog(work / "catalog.jsonl"), progress=False)
    del encoder
    read = profiles.get(report.profile).read
    texts = [read(str(o["title"]), o.get("attributes") or {}).text for o in offers]
    raw_before = _raw_rates(cfg, texts)
    first = [dict(o, offer_id=f"{cfg.backend}-1-{i}") for i, o in enumerate(offers)]
    again = [dict(o, offer_id=f"{cfg.backend}-2-{i}") for i, o in enumerate(offers)]
    await produce(
        cfg.kafka_bootstrap,
        cfg.input_topic,
        [(o["offer_id"].encode(), offer_payload(o)) for o in first],
    )
    proc = _child(cfg, work / f"run-{cfg.backend}.log")
    try:
        results, rate = await _timed_results(cfg, {o["offer_id"] for o in first}, 1800)
        await produce(
            cfg.kafka_bootstrap,
            cfg.input_topic,
            [(o["offer_id"].encode(), offer_payload(o)) for o in again],
        )
        _, repeat = await _timed_results(cfg, {o["offer_id"] for o in again}, 600)
    finally:
        _stop(proc)
    assert texts == [results[o["offer_id"]]["normalized"] for o in first]  # what it embedded
    raw_after = _raw_rates(cfg, texts)
    raw = {b: max(raw_before[b], raw_after[b]) for b in raw_before}
    same = raw[cfg.encode_batch_size]
    decisions = {
        o["title"]: (results[o["offer_id"]]["decision"], results[o["offer_id"]]["catalog_id"])
        for o in first
    }
    return {
        "backend": cfg.backend,
        "micro_batch": cfg.batch_size,
        "model_batch": cfg.encode_batch_size,
        "stream_offers_per_s": round(rate, 1),
        "raw_encode_per_s_batch_64": round(raw[64], 1),
        "stream_over_raw_batch_64": round(rate / raw[64], 3),
        "raw_encode_per_s_same_batch": round(same, 1),
        "stream_over_raw_same_batch": round(rate / same, 3),
        "repeat_offers_per_s": round(repeat, 1),
        "repeat_over_first": round(repeat / rate, 2),
        "_decisions": decisions,
    }


def quality(cfg: Settings, work: Path) -> dict[str, float]:
    """Generated phone test split: P/R/F1 with guards, threshold calibrated on valid offers."""
    from matcher.catalog import read_catalog
    from matcher.lab.evaluation.offer_eval import evaluate
    from streams.components import build_encoder, choose_profile, decisions

    lab = cfg.model_copy(update={"vector_cache_size": 0})
    encoder = build_encoder(lab)
    profile, choice = choose_profile(lab, encoder, read_catalog(work / "catalog.jsonl"))
    result = evaluate(
        encoder,
        work / "catalog.jsonl",
        work / "offers_test.jsonl",
        decisions(lab, encoder),
        profile,
        choice,
        valid_offers=work / "offers_valid.jsonl",
    )
    m = result.rows["as served"]
    return {"precision": round(m.precision, 4), "recall": round(m.recall, 4), "f1": round(m.f1, 4)}


async def run_streams(
    backends: list[str],
    n_offers: int,
    batch_size: int,
    encode_batch_size: int,
    models: list[str],
) -> dict[str, Any]:
    from matcher.lab.datagen import build_market, write
    from streams.devtools.embedded import embedded

    work = Path(tempfile.mkdtemp(prefix="matcher-bench-"))
    market = build_market(seed=42)
    write(market, work)
    pool = [o for split in ("test", "valid", "train") for o in market.offers[split]]
    offers = [dict(pool[i % len(pool)]) for i in range(n_offers)]
    rows = []
    with embedded() as env:
        for model in models:
            for backend in backends:
                tag = f"{model.replace('/', '-')}-{backend}"
                cfg = Settings(
                    kafka_bootstrap=env.bootstrap,
                    redis_url=env.redis_url,
                    model=model,
                    backend=backend,
                    batch_size=batch_size,
                    encode_batch_size=encode_batch_size,
                    input_topic=f"bench-{tag}",
                    output_topic=f"bench-{tag}.out",
                    dlq_topic=f"bench-{tag}.dlq",
                    group_id=f"bench-{tag}",
                )
                row = {"model": model, **await stream(cfg, work, offers)}
                row.update(quality(cfg, work))
                rows.append(row)
    for row in rows:
        # decisions against the same model's first backend; speed against the first model's
        ref = next(r for r in rows if r["model"] == row["model"])
        first = next(r for r in rows if r["backend"] == row["backend"])
        same = sum(row["_decisions"][t] == ref["_decisions"][t] for t in ref["_decisions"])
        row["same_decisions_as_" + ref["backend"]] = round(same / len(ref["_decisions"]), 4)
        row["stream_over_" + rows[0]["backend"]] = round(
            row["stream_offers_per_s"]
            / next(r for r in rows if r["model"] == row["model"])["stream_offers_per_s"],
            2,
        )
        row["stream_over_first_model"] = round(
            row["stream_offers_per_s"] / first["stream_offers_per_s"], 2
        )
    for row in rows:
        del row["_decisions"]
    return {"offers": n_offers, "streams": rows}


# -- catalog scale -------------------------------------------------------------------------


def _synthetic(n: int, dim: int, seed: int = 0) -> tuple[list[Any], np.ndarray]:
    """``n`` hardware items as the generic profile stores them, with random unit vectors
    (embedding a million titles would take hours on this machine; hydration, search, the lexical
    rescoring and memory do not depend on that)."""
    from matcher.catalog.store import StoredItem
    from matcher.normalize import Attributes

    rng = np.random.default_rng(seed)
    vectors = rng.standard_normal((n, dim), dtype=np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    kinds = ["саморез", "шуруп", "болт", "дюбель", "анкер", "гвоздь", "винт", "заклепка"]
    brands = ["krepysh", "kraftline", "tech-krep", "starfix", "sormat", "fischer"]
    items = []
    for i in range(n):
        kind, brand = kinds[i % 8], brands[(i // 8) % 6]
        d, length = (3, 3.5, 4, 5, 6)[(i // 48) % 5], (16, 25, 35, 45, 60, 80)[(i // 240) % 6]
        pcs = (50, 100, 200, 500)[(i // 1440) % 4]
        code = f"kr{i:07d}"
        text = f"{kind} {brand} {d}x{length}mm {pcs}pcs {code}"
        attrs = Attributes(
            length=float(length), pieces=float(pcs), size=f"{d}x{length}mm", codes=(code,)
        )
        items.append(StoredItem(f"sku-{i:07d}", text, attrs, f"d{i}"))
    return items, vectors


def write_synthetic(cfg: Settings, n: int) -> float:
    """Load ``n`` synthetic items as one base snapshot read by the generic profile (hybrid
    score); seconds taken (not a target)."""
    from matcher import profiles
    from matcher.catalog.ingest import reading, write
    from streams.components import build_encoder, build_store

    store = build_store(cfg, build_encoder(cfg))
    items, vectors = _synthetic(n, store.dim)
    generic = profiles.get("generic")
    start = time.perf_counter()
    write(
        store,
        items,
        vectors,
        generic.schema,
        ann_min_items=cfg.ann_min_items,
        read_as=reading(generic, "bench"),
    )
    return time.perf_counter() - start


def _peak_rss_mb() -> float:
    """This process's peak resident memory (``VmHWM``; getrusage's maxrss would include the
    parent's memory at fork time)."""
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def scale_child(cfg_json: str, n: int) -> dict[str, Any]:
    """Run in a fresh process: hydrate, match, take an update while matching; peak RSS."""
    from matcher.events import Offer
    from matcher.pipeline import MatchPipeline
    from streams.components import build_encoder, decisions, live_catalog

    cfg = Settings.model_validate_json(cfg_json)
    encoder = build_encoder(cfg)
    encoder.load()
    view = live_catalog(cfg, encoder)
    start = time.perf_counter()
    view.refresh()
    hydration = time.perf_counter() - start
    rss_hydrated = _peak_rss_mb()
    pipeline = MatchPipeline(encoder, view.current, decisions(cfg, encoder))
    scorer = pipeline.decider(view.current()).scorer
    titles = [
        f"Саморез KraftLine {d}x{length} мм 200 шт (арт. KR{i:07d})"
        for i, (d, length) in enumerate((d, ln) for d in (3.5, 4, 5) for ln in (25, 35, 45) * 30)
    ]
    batches = [
        [Offer(offer_id=f"o{k}-{j}", title=t) for j, t in enumerate(titles[k * 64 : (k + 1) * 64])]
        for k in range(4)
    ]
    batch_s, encode_s = [], []
    for batch in batches:
        t0 = time.perf_counter()
        pipeline.match(batch)
        batch_s.append(time.perf_counter() - t0)
        prepared = [pipeline.prepare(o, view.current()) for o in batch]
        t0 = time.perf_counter()
        encoder.encode([p.normalized.text for p in prepared])
        encode_s.append(time.perf_counter() - t0)
    # An update of 100 items, written by another process (the loader), while matching goes on.
    view.start()
    during: list[float] = []
    stop = threading.Event()

    def keep_matching() -> None:
        k = 0
        while not stop.is_set():
            t0 = time.perf_counter()
            pipeline.match(batches[k % len(batches)])
            during.append(time.perf_counter() - t0)
            k += 1

    worker = threading.Thread(target=keep_matching)
    worker.start()
    time.sleep(1.0)
    before = view.status().version
    loader = subprocess.Popen(
        [sys.executable, "-m", "streams.devtools.bench", "--update", cfg.model_dump_json()],
        stdout=subprocess.PIPE,
        text=True,
    )
    t0 = time.perf_counter()
    while view.status().version == before and time.perf_counter() - t0 < 120:
        time.sleep(0.01)
    seen_at = time.time()
    time.sleep(1.0)
    stop.set()
    worker.join()
    view.stop()
    out, _ = loader.communicate(timeout=60)
    visible = seen_at - json.loads(out.strip().splitlines()[-1])["written_at"]
    return {
        "catalog_items": n,
        "ann": not view.current().exact,
        "profile": view.current().profile,
        "lexical_weight": scorer.lexical_weight,
        "hybrid": view.current().lexical_ready and scorer.uses_lexical,
        "hydration_s": round(hydration, 2),
        "batch_s": round(float(np.median(batch_s)), 3),
        "encode_s": round(float(np.median(encode_s)), 3),
        "batch_over_encode": round(float(np.median(batch_s) / np.median(encode_s)), 2),
        "update_visible_s": round(visible, 2),
        "batches_during_update": len(during),
        "slowest_batch_during_update_s": round(max(during), 3) if during else None,
        "peak_rss_after_hydration_mb": round(rss_hydrated),
        "peak_rss_mb": round(_peak_rss_mb()),
    }


def run_scale(sizes: list[int], backend: str) -> list[dict[str, Any]]:
    from streams.devtools.embedded import start_redis

    out = []
    for n in sizes:
        store = start_redis()
        try:
            cfg = Settings(
                redis_url=f"redis://127.0.0.1:{store.port}/0",
                backend=backend,
                vector_cache_size=0,
                catalog_refresh_s=0.2,
                catalog_max_staleness_s=60.0,
            )
            loaded = write_synthetic(cfg, n)
            done = subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "streams.devtools.bench",
                    "--scale-child",
                    cfg.model_dump_json(),
                    str(n),
                ],
                capture_output=True,
                text=True,
                env={**os.environ, "HF_HUB_OFFLINE": "1"},
                check=False,
            )
            if done.returncode != 0:
                raise RuntimeError(done.stderr[-3000:])
            row = json.loads(done.stdout.strip().splitlines()[-1])
            row["load_s"] = round(loaded, 1)
            out.append(row)
        finally:
            store.stop()
    return out


def write_update(cfg_json: str) -> None:
    """The loader's side of the update: 100 new items, as one change; prints when it landed."""
    from matcher import profiles
    from matcher.catalog.ingest import write
    from streams.components import build_encoder, build_store

    cfg = Settings.model_validate_json(cfg_json)
    store = build_store(cfg, build_encoder(cfg))
    items, vectors = _synthetic(100, store.dim, seed=1)
    items = [type(it)(f"new-{i}", it.text, it.attributes, f"n{i}") for i, it in enumerate(items)]
    write(store, items, vectors, profiles.get("generic").schema, ann_min_items=cfg.ann_min_items)
    print(json.dumps({"written_at": time.time()}))


if __name__ == "__main__" and sys.argv[1:2] == ["--scale-child"]:
    print(json.dumps(scale_child(sys.argv[2], int(sys.argv[3]))))
elif __name__ == "__main__" and sys.argv[1:2] == ["--update"]:
    write_update(sys.argv[2])
