"""``matcher train`` and ``matcher eval`` end to end on tiny data (real model, a few steps)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import numpy as np
import pytest

from matcher.decision import DecisionConfig
from matcher.encoding import Encoder, load_encoder
from matcher.lab.datagen import build_market
from matcher.lab.pairs import parse_record, read_pairs, serialize
from matcher.profiles import get
from streams.cli import main
from streams.components import decisions
from streams.settings import Settings

PHONES = get("phones")
GENERIC = get("generic")


def minilm(path: str = "all-MiniLM-L6-v2") -> Encoder:
    return load_encoder(path, "torch", 32)


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


@pytest.mark.training
@pytest.mark.long(50)
def test_train_writes_a_model_the_service_uses(tmp_path: Path) -> None:
    market = build_market(42)
    train = write_pairs(tmp_path / "train.csv", market.pairs["train"][:48])
    valid = write_pairs(tmp_path / "valid.csv", market.pairs["valid"][:64])
    out = tmp_path / "model"
    code = main(["train", "--train", str(train), "--valid", str(valid), "--out", str(out), "--epochs", "1",
                 "--max-seq-length", "32", "--symmetric"])  # fmt: skip
    assert code == 0
    meta = json.loads((out / "matcher.json").read_text())
    threshold = meta["decision"]["threshold"]
    assert 0.0 < threshold < 1.0 and threshold != GENERIC.threshold
    assert meta["decision"]["lexical_weight"] == GENERIC.lexical_weight  # recorded with it
    assert meta["decision"]["profile"] == "generic"  # what it was calibrated for
    assert meta["training"]["steps"] == 6  # 96 symmetric pairs / batch 16
    config = meta["training"]["config"]
    assert config["loss"] == "contrastive" and config["margin"] == 0.5
    card = (out / "README.md").read_text()
    assert "ContrastiveLoss" in card and "offer-matcher" in card and str(threshold) in card
    enc = minilm(str(out))
    assert DecisionConfig.load(enc.path).threshold == threshold
    assert decisions(Settings(), enc).for_profile(GENERIC).config.threshold == threshold
    # calibrated for generic: a phone catalog gets the phones profile's own default
    assert decisions(Settings(), enc).for_profile(PHONES).config.threshold == PHONES.threshold
    assert decisions(Settings(threshold=0.5), enc).for_profile(GENERIC).config.threshold == 0.5
    assert decisions(Settings(guards=False), enc).for_profile(GENERIC).config.guards == ()
    assert enc.fingerprint != minilm().fingerprint


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
    args = ["eval", "--pairs", str(data), "--json", "--plot", str(plot), "--fit-decision"]
    args += ["--model", "all-MiniLM-L6-v2"]  # the model _scores recomputes with
    assert main(args) == 0
    report = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert report["threshold_source"] == "max F1 on valid"
    test = report["test"]
    # Computed from the pairs themselves: precision/recall at the reported threshold.
    scores, labels = _scores(data / "test.txt")
    pred = scores >= report["threshold"]
    tp = int((pred & (labels == 1)).sum())
    assert test["precision"] == round(tp / max(1, int(pred.sum())), 4)
    assert test["recall"] == round(tp / int((labels == 1).sum()), 4)
    # The zero-shot model already ranks this easy synthetic data well.
    assert test["roc_auc"] > 0.8 and test["recall@5"] > 0.8
    # The learned decision, fitted on train and thresholded on valid, reported on test.
    assert 0.0 <= report["learned"]["f1"] <= 1.0 and "probability_threshold" in report["learned"]
    assert plot.stat().st_size > 10_000 and plot.read_bytes()[:4] == b"\x89PNG"


def _scores(path: Path) -> tuple[np.ndarray, np.ndarray]:
    """The service's score of each pair: cosine and lexical cosine, mixed as the profile says."""
    from matcher.lab.scoring import cosines, lexical

    pairs = read_pairs(path)
    w = GENERIC.lexical_weight
    fused = (1 - w) * cosines(minilm(), pairs) + w * lexical(pairs)
    return fused, np.asarray(pairs.labels)


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


@pytest.mark.training
def test_reranker_trains_and_serves_the_unsure_band(tmp_path: Path, encoder: Encoder) -> None:
    from matcher.catalog import CatalogItem
    from matcher.catalog.ingest import build_index
    from matcher.decision import Band
    from matcher.decision.second_stage import Reranker, combine
    from matcher.events import Offer
    from matcher.lab.training.cross_encoder import calibrate_band
    from matcher.pipeline import Decisions, MatchPipeline

    market = build_market(42)
    train = write_pairs(tmp_path / "train.csv", market.pairs["train"][:32])
    valid = write_pairs(tmp_path / "valid.csv", market.pairs["valid"][:48])
    out = tmp_path / "reranker"
    code = main(["train-reranker", "--train", str(train), "--valid", str(valid), "--out", str(out),
                 "--epochs", "1", "--max-length", "48"])  # fmt: skip
    assert code == 0
    meta = json.loads((out / "matcher-reranker.json").read_text())
    assert meta["steps"] == 4  # 64 symmetric pairs / batch 16
    # The band search includes the empty band, so on valid the two stages never do worse.
    assert meta["valid"]["combined_f1"] >= meta["valid"]["bi_encoder_f1"]
    reranker = Reranker(str(out))
    assert reranker.band.low == meta["band"]["low"]
    probs = reranker.probabilities([("a b", "a b"), ("x", "y")])
    assert probs.shape == (2,) and ((probs >= 0) & (probs <= 1)).all()

    # Serving: an offer inside the band is decided by the cross-encoder, with the reason saying so.
    items = [CatalogItem("a", "redmi 13c 4/128gb black")]
    index = build_index(items, encoder, PHONES, progress=False)
    offer = Offer(offer_id="o", title="redmi 13c 4/128 black")
    for band, decision, reason in (
        (Band(low=-1.0, high=1.01, threshold=0.0), "match", "rerank:match"),  # all accepted
        (Band(low=-1.0, high=1.01, threshold=1.1), "no_match", "rerank:no_match"),  # none
    ):
        config = DecisionConfig(0.99, band=band)  # a band in the config wins over the stored one
        pipeline = MatchPipeline(encoder, lambda: index, Decisions(config, {}, reranker, 3))
        (result,) = pipeline.match([offer])
        assert (result.decision, result.reason) == (decision, reason)

    # Band calibration picks the band that fixes the bi-encoder's mistakes, and no wider.
    scores = np.array([0.9, 0.8, 0.7, 0.6, 0.5])
    labels = [1.0, 0.0, 1.0, 0.0, 0.0]
    probs = np.array([0.9, 0.1, 0.9, 0.1, 0.1], dtype=np.float32)
    band, f1 = calibrate_band(scores, probs, labels, threshold=0.75)
    assert f1 == 1.0 and combine(scores, probs, band).tolist() == [True, False, True, False, False]
