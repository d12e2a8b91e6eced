"""``matcher train-reranker``: a cross-encoder on the same pairs, and the cosine band it serves.

The band is chosen on validation pairs: among bands around the bi-encoder's own threshold, the one
whose combined decisions (cosine above the band, cross-encoder inside it) give the best F1, the
narrower one on ties, since every pair inside costs a cross-encoder call.
"""

from __future__ import annotations

import json
import shutil
import time
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path

import numpy as np

from matcher.decision import Band
from matcher.decision.second_stage import RERANK_META, Reranker, combine
from matcher.encoding import Encoder, models
from matcher.lab import metrics
from matcher.lab.pairs import Pairs, read_pairs
from matcher.lab.scoring import cosines
from matcher.lab.training.config import RerankConfig


def calibrate_band(
    scores: np.ndarray, probs: np.ndarray, labels: list[float], threshold: float
) -> tuple[Band, float]:
    """The band (and its F1) with the best F1 on these validation pairs."""
    y = np.asarray(labels) >= 0.5
    best: tuple[float, float, Band] = (-1.0, 0.0, Band(threshold, threshold))
    for below in (0.0, 0.05, 0.1, 0.15, 0.2, 0.3, 0.5):
        for above in (0.0, 0.05, 0.1, 0.15, 0.2, 1.0):
            band = Band(threshold - below, threshold + above if above < 1.0 else 1.01)
            pred = combine(scores, probs, band)
            f1 = metrics.prf(
                int((pred & y).sum()), int((pred & ~y).sum()), int((~pred & y).sum())
            ).f1
            width = -float(((scores >= band.low) & (scores < band.high)).mean())
            if (f1, width) > best[:2]:
                best = (f1, width, band)
    return best[2], best[0]


def train_reranker(cfg: RerankConfig, load: Callable[[str], Encoder]) -> dict[str, object]:
    """Train the cross-encoder; ``load`` opens the bi-encoder it serves (as the service does)."""
    from datasets import Dataset
    from sentence_transformers import CrossEncoder
    from sentence_transformers.cross_encoder import (
        CrossEncoderTrainer,
        CrossEncoderTrainingArguments,
    )
    from sentence_transformers.cross_encoder.losses import BinaryCrossEntropyLoss

    train = read_pairs(cfg.train, cfg.serialize)
    if cfg.symmetric:
        train = train.symmetric()
    valid = read_pairs(cfg.valid, cfg.serialize)
    model = CrossEncoder(models.resolve(cfg.base), num_labels=1, max_length=cfg.max_length)
    out = Path(cfg.out)
    args = CrossEncoderTrainingArguments(
        output_dir=str(out / "checkpoints"),
        num_train_epochs=cfg.epochs,
        per_device_train_batch_size=cfg.batch_size,
        learning_rate=cfg.lr,
        lr_scheduler_type="linear",
        warmup_steps=0.1,
        seed=cfg.seed,
        save_strategy="no",
        logging_steps=50,
        report_to="none",
    )
    dataset = Dataset.from_dict({"left": train.left, "right": train.right, "label": train.labels})
    trainer = CrossEncoderTrainer(
        model=model, args=args, train_dataset=dataset, loss=BinaryCrossEntropyLoss(model)
    )
    started = time.perf_counter()
    result = trainer.train()
    seconds = time.perf_counter() - started
    model.save_pretrained(str(out))
    shutil.rmtree(out / "checkpoints", ignore_errors=True)

    encoder = load(cfg.bi_encoder)
    if cfg.bi_max_seq_length:
        encoder.max_seq_length = cfg.bi_max_seq_length
    band, f1, bi = calibrate(encoder, Reranker(str(out)), valid)
    meta = {
        "band": asdict(band),
        "bi_encoder": encoder.fingerprint,
        "valid": {"bi_encoder_f1": round(bi, 4), "combined_f1": round(f1, 4)},
        "config": asdict(cfg),
        "train_seconds": round(seconds, 1),
        "steps": int(result.global_step),
    }
    (out / RERANK_META).write_text(json.dumps(meta, indent=2))
    return meta


def calibrate(encoder: Encoder, reranker: Reranker, valid: Pairs) -> tuple[Band, float, float]:
    """Band, combined F1 and bi-encoder-only F1 on ``valid``."""
    scores = cosines(encoder, valid)
    threshold = metrics.best_threshold(scores, valid.labels)
    bi_f1 = metrics.at_threshold(scores, valid.labels, threshold).f1
    probs = reranker.probabilities(list(zip(valid.left, valid.right, strict=True)))
    band, f1 = calibrate_band(scores, probs, valid.labels, threshold)
    return band, f1, bi_f1
