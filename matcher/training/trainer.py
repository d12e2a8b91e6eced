"""``matcher train``: fine-tune a bi-encoder on labelled pairs, calibrate its threshold on valid.

Defaults follow the seed model card: ContrastiveLoss (cosine distance, margin 0.5), batch 16,
lr 5e-5, 10 epochs, linear schedule, seed 42, EmbeddingSimilarityEvaluator during training.
The output folder is a loadable sentence-transformers model with its generated model card, plus
``matcher.json`` holding the decision threshold that the service picks up.
"""

from __future__ import annotations

import json
import logging
import shutil
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from matcher import models
from matcher.evaluation import metrics
from matcher.training.losses import LossName, build_loss
from matcher.training.pairs import Pairs, Serialize, read_pairs, stats

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class TrainConfig:
    """Every knob of a training run (each is a ``matcher train`` flag)."""

    train: str
    valid: str
    out: str
    base: str = "all-MiniLM-L6-v2"
    loss: LossName = "contrastive"
    margin: float = 0.5
    epochs: float = 10.0
    batch_size: int = 16
    lr: float = 5e-5
    warmup_ratio: float = 0.0
    max_seq_length: int | None = None
    seed: int = 42
    symmetric: bool = False
    serialize: Serialize = "kv"
    eval_steps: int | None = None  # None: evaluate once per epoch
    max_train_pairs: int | None = None  # a subsample, for quick runs on CPU


@dataclass(frozen=True)
class TrainReport:
    out: str
    seconds: float
    steps: int
    threshold: float
    valid: dict[str, float]


def _dataset(pairs: Pairs) -> Any:
    from datasets import Dataset

    return Dataset.from_dict(
        {"sentence_0": pairs.left, "sentence_1": pairs.right, "label": pairs.labels}
    )


def _subsample(pairs: Pairs, n: int | None, seed: int) -> Pairs:
    if n is None or n >= len(pairs):
        return pairs
    import random

    idx = sorted(random.Random(seed).sample(range(len(pairs)), n))
    return Pairs(
        [pairs.left[i] for i in idx], [pairs.right[i] for i in idx], [pairs.labels[i] for i in idx]
    )


def train(cfg: TrainConfig) -> TrainReport:
    """Fine-tune, save, calibrate; return what happened."""
    from sentence_transformers import (
        SentenceTransformer,
        SentenceTransformerTrainer,
        SentenceTransformerTrainingArguments,
    )
    from sentence_transformers.sentence_transformer.evaluation import EmbeddingSimilarityEvaluator

    train_pairs = _subsample(read_pairs(cfg.train, cfg.serialize), cfg.max_train_pairs, cfg.seed)
    if cfg.symmetric:
        train_pairs = train_pairs.symmetric()
    valid_pairs = read_pairs(cfg.valid, cfg.serialize)
    if cfg.loss == "mnrl":  # positives only; in-batch texts are the negatives
        keep = [i for i, y in enumerate(train_pairs.labels) if y >= 0.5]
        train_pairs = Pairs(
            [train_pairs.left[i] for i in keep],
            [train_pairs.right[i] for i in keep],
            [1.0] * len(keep),
        )
    model = SentenceTransformer(models.resolve(cfg.base))
    if cfg.max_seq_length:
        model.max_seq_length = cfg.max_seq_length
    evaluator = EmbeddingSimilarityEvaluator(
        valid_pairs.left,
        valid_pairs.right,
        valid_pairs.labels,
        main_similarity="cosine",
        name="valid",
        batch_size=64,
    )
    out = Path(cfg.out)
    args = SentenceTransformerTrainingArguments(
        output_dir=str(out / "checkpoints"),
        num_train_epochs=cfg.epochs,
        per_device_train_batch_size=cfg.batch_size,
        per_device_eval_batch_size=cfg.batch_size,
        learning_rate=cfg.lr,
        # transformers 5 takes the warm-up share as a float in warmup_steps
        warmup_steps=cfg.warmup_ratio,
        lr_scheduler_type="linear",
        seed=cfg.seed,
        eval_strategy="steps" if cfg.eval_steps else "epoch",
        eval_steps=cfg.eval_steps,
        logging_steps=cfg.eval_steps or 50,
        save_strategy="no",
        report_to="none",
        batch_sampler="no_duplicates" if cfg.loss == "mnrl" else "batch_sampler",
    )
    trainer = SentenceTransformerTrainer(
        model=model,
        args=args,
        train_dataset=_dataset(train_pairs),
        loss=build_loss(cfg.loss, model, cfg.margin),
        evaluator=evaluator,
    )
    started = time.perf_counter()
    result = trainer.train()
    seconds = time.perf_counter() - started
    model.save_pretrained(str(out))
    shutil.rmtree(out / "checkpoints", ignore_errors=True)
    scores = model.similarity_pairwise(
        model.encode(valid_pairs.left, batch_size=64, convert_to_tensor=True),
        model.encode(valid_pairs.right, batch_size=64, convert_to_tensor=True),
    ).tolist()
    threshold = metrics.best_threshold(scores, valid_pairs.labels)
    valid = {
        **metrics.at_threshold(scores, valid_pairs.labels, threshold).as_dict(),
        **metrics.correlations(scores, valid_pairs.labels),
    }
    meta = {
        "threshold": round(threshold, 6),
        "threshold_source": f"max F1 on {Path(cfg.valid).name}",
        "valid_metrics": valid,
        "config": asdict(cfg),
        "train_stats": stats(train_pairs),
        "train_seconds": round(seconds, 1),
        "steps": int(result.global_step),
    }
    (out / models.MATCHER_META).write_text(json.dumps(meta, indent=2))
    _append_card(out, meta)
    return TrainReport(str(out), seconds, int(result.global_step), threshold, valid)


def _append_card(out: Path, meta: dict[str, object]) -> None:
    """Add the decision threshold and the run's figures to the generated model card."""
    card = out / "README.md"
    lines = [
        "",
        "## offer-matcher",
        "",
        f"- Decision threshold (cosine): **{meta['threshold']}** ({meta['threshold_source']})",
        f"- Validation at that threshold: {json.dumps(meta['valid_metrics'])}",
        f"- Training: {meta['steps']} steps in {meta['train_seconds']} s; data {json.dumps(meta['train_stats'])}",
        "",
    ]
    with card.open("a", encoding="utf-8") as fh:
        fh.write("\n".join(lines))
