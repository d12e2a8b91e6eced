"""``matcher train`` and ``matcher eval`` end to end on tiny data (real model, a few steps)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from matcher.datagen import build_market
from matcher.encoder import Encoder
from matcher.settings import Settings
from matcher.training.pairs import parse_record, read_pairs, serialize
from streams.cli import main
from streams.service import threshold_for


def write_pairs(path: Path, rows: list[tuple[str, str, float]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["sentence_0", "sentence_1", "label"])
        w.writerows(rows)
    return path


def test_benchmark_records_are_parsed() -> None:
    rec = "COL name VAL sony cyber-shot dscw120p COL description VAL nan COL price VAL 104.95"
    assert parse_record(rec) == {"name": "sony cyber-shot dscw120p", "price": "104.95"}
    assert serialize(rec) == "name: sony cyber-shot dscw120p | price: 104.95"
    assert serialize(rec, "values") == "sony cyber-shot dscw120p | 104.95"


def test_train_writes_a_model_the_service_uses(tmp_path: Path) -> None:
    market = build_market(42)
    train = write_pairs(tmp_path / "train.csv", market.pairs["train"][:48])
    valid = write_pairs(tmp_path / "valid.csv", market.pairs["valid"][:64])
    out = tmp_path / "model"
    code = main(["train", "--train", str(train), "--valid", str(valid), "--out", str(out), "--epochs", "1",
                 "--max-seq-length", "32", "--symmetric"])  # fmt: skip
    assert code == 0
    meta = json.loads((out / "matcher.json").read_text())
    assert 0.0 < meta["threshold"] < 1.0 and meta["steps"] == 6  # 96 symmetric pairs / batch 16
    assert meta["config"]["loss"] == "contrastive" and meta["config"]["margin"] == 0.5
    card = (out / "README.md").read_text()
    assert "ContrastiveLoss" in card and "offer-matcher" in card and str(meta["threshold"]) in card
    enc = Encoder(str(out))
    assert enc.calibrated_threshold == meta["threshold"]
    assert threshold_for(Settings(), enc) == meta["threshold"]
    assert threshold_for(Settings(threshold=0.5), enc) == 0.5
    assert enc.fingerprint != Encoder("all-MiniLM-L6-v2").fingerprint


def benchmark_dir(tmp: Path) -> Path:
    """A tiny folder in the benchmarks' format, from the synthetic market."""
    market = build_market(3)
    for split, n in (("train", 10), ("valid", 80), ("test", 80)):
        with (tmp / f"{split}.txt").open("w", encoding="utf-8") as fh:
            for left, right, y in market.pairs[split][:n]:
                fh.write(
                    f"COL title VAL {left.split(' | ')[0]}\tCOL title VAL {right.split(' | ')[0]}\t{int(y)}\n"
                )
    return tmp


def test_eval_pairs_json_and_plot(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = benchmark_dir(tmp_path)
    assert len(read_pairs(data / "test.txt")) == 80
    plot = tmp_path / "scores.png"
    assert main(["eval", "--pairs", str(data), "--json", "--plot", str(plot)]) == 0
    report = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert report["threshold_source"] == "max F1 on valid"
    for key in (
        "precision",
        "recall",
        "f1",
        "pearson_cosine",
        "spearman_cosine",
        "roc_auc",
        "recall@1",
        "recall@5",
    ):
        assert 0.0 <= report["test"][key] <= 1.0
    assert report["test"]["recall@5"] >= report["test"]["recall@1"]
    assert plot.stat().st_size > 10_000 and plot.read_bytes()[:4] == b"\x89PNG"


def test_match_offline(tmp_path: Path) -> None:
    market = build_market(42)
    cat = tmp_path / "catalog.jsonl"
    items = list(market.catalog.items())[:60]
    cat.write_text(
        "".join(json.dumps({"catalog_id": c, "title": p.catalog_title}) + "\n" for c, p in items),
        encoding="utf-8",
    )
    offers = tmp_path / "offers.jsonl"
    lines = [
        json.dumps({"offer_id": f"o{i}", "title": p.catalog_title})
        for i, (_, p) in enumerate(items[:10])
    ]
    offers.write_text("\n".join([*lines, "{broken"]) + "\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    assert (
        main(["match", "--catalog", str(cat), "--offers", str(offers), "--out", str(out)]) == 2
    )  # one invalid line
    results = [json.loads(line) for line in out.read_text().splitlines()]
    assert [r["offer_id"] for r in results] == [f"o{i}" for i in range(10)]
    assert all(
        r["decision"] == "match" and r["catalog_id"] == items[i][0] for i, r in enumerate(results)
    )
    assert {
        "candidates",
        "reason",
        "normalized",
        "model",
        "catalog_version",
        "processed_at",
    } <= set(results[0])


def test_reranker_trains_and_serves_the_unsure_band(tmp_path: Path, encoder: Encoder) -> None:
    from matcher.catalog import CatalogItem
    from matcher.catalog.loader import build_index
    from matcher.decision import DecisionPolicy
    from matcher.events import Offer
    from matcher.pipeline import MatchPipeline
    from matcher.rerank import Band, Reranker, combine
    from matcher.training.cross import calibrate_band

    market = build_market(42)
    train = write_pairs(tmp_path / "train.csv", market.pairs["train"][:32])
    valid = write_pairs(tmp_path / "valid.csv", market.pairs["valid"][:48])
    out = tmp_path / "reranker"
    code = main(["train-reranker", "--train", str(train), "--valid", str(valid), "--out", str(out),
                 "--epochs", "1", "--max-length", "48"])  # fmt: skip
    assert code == 0
    meta = json.loads((out / "matcher-reranker.json").read_text())
    assert meta["band"]["low"] <= meta["band"]["high"] and meta["steps"] == 4  # 64 symmetric / 16
    reranker = Reranker(str(out))
    assert reranker.band.low == meta["band"]["low"]
    probs = reranker.probabilities([("a b", "a b"), ("x", "y")])
    assert probs.shape == (2,) and ((probs >= 0) & (probs <= 1)).all()

    # Serving: an offer inside the band is decided by the cross-encoder, with the reason saying so.
    reranker.band = Band(low=-1.0, high=1.01, threshold=0.0)  # everything is unsure, all accepted
    items = [CatalogItem("a", "redmi 13c 4/128gb black")]
    index = build_index(items, encoder, progress=False)
    pipeline = MatchPipeline(encoder, lambda: index, DecisionPolicy(0.99), 3, reranker)
    (result,) = pipeline.match([Offer(offer_id="o", title="redmi 13c 4/128 black")])
    assert result.decision == "match" and result.reason == "rerank:match"
    reranker.band = Band(low=-1.0, high=1.01, threshold=1.1)  # nothing passes the cross-encoder
    (result,) = pipeline.match([Offer(offer_id="o", title="redmi 13c 4/128 black")])
    assert result.decision == "no_match" and result.reason == "rerank:no_match"

    # Band calibration picks the band that fixes the bi-encoder's mistakes, and no wider.
    import numpy as np

    scores = np.array([0.9, 0.8, 0.7, 0.6, 0.5])
    labels = [1.0, 0.0, 1.0, 0.0, 0.0]
    probs = np.array([0.9, 0.1, 0.9, 0.1, 0.1], dtype=np.float32)
    band, f1 = calibrate_band(scores, probs, labels, threshold=0.75)
    assert f1 == 1.0 and combine(scores, probs, band).tolist() == [True, False, True, False, False]
