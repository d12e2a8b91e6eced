"""``matcher train``: fine-tune a bi-encoder on labelled pairs, calibrate its threshold on valid.

Defaults follow the seed model card: ContrastiveLoss (cosine distance, margin 0.5), batch 16,
lr 5e-5, 10 epochs, linear schedule, seed 42, EmbeddingSimilarityEvaluator during training.
The output folder is a loadable sentence-transformers model with its generated model card, plus
``matcher.json`` holding the decision config (the threshold calibrated on valid) that the service
picks up, and the run's provenance.
"""

from __future__ import annotations

import json
import logging
import shutil
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

from matcher.decision import Decider, DecisionConfig
from matcher.encoding import Encoder, models
from matcher.lab.pairs import Pairs, read_pairs, stats
from matcher.lab.scoring import fit_decision
from matcher.lab.training.config import TrainConfig
from matcher.lab.training.losses import build_loss

log = logging.getLogger(__name__)


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


def train(
    cfg: TrainConfig,
    load: Callable[[str], Encoder],
    decide: Callable[[Encoder], Decider],
) -> TrainReport:
    """Fine-tune, save, calibrate; return what happened. ``load`` opens the trained folder as
    the service would, ``decide`` is the service's decision for it (the composition root's)."""
    from sentence_transformers import (
        SentenceTransformer,
        SentenceTransformerTrainer,
        SentenceTransformerTrainingArguments,
    )
    from sentence_transformers.sentence_transformer.evaluation import EmbeddingSimilarityEvaluator

    train_pairs = _subsample(
        Pairs.concat([read_pairs(p, cfg.serialize, cfg.profile) for p in cfg.train.split(",")]),
        cfg.max_train_pairs,
        cfg.seed,
    )
    if cfg.symmetric:
        train_pairs = train_pairs.symmetric()
    valid_pairs = _subsample(
        read_pairs(cfg.valid, cfg.serialize, cfg.profile), cfg.max_valid_pairs, cfg.seed
    )
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
        # what serving prepends (e5's "query: "), so the model learns the texts it will see
        prompts=model.prompts.get(model.default_prompt_name or "") or None,
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
    # The whole decision from the same pairs: the service's (hybrid) score, its threshold on
    # valid, and the learned decision fitted on train (kept only where it beats the threshold).
    trained = load(str(out))
    decision, decided = fit_decision(trained, train_pairs, valid_pairs, decide(trained))
    threshold = float(decision.cutoff)
    valid = {**decided["threshold"], "learned_f1": decided["learned"]["f1"]}
    meta = {
        "training": {
            "valid_metrics": valid,
            "config": asdict(cfg),
            "train_stats": stats(train_pairs),
            "train_seconds": round(seconds, 1),
            "steps": int(result.global_step),
        }
    }
    (out / models.MATCHER_META).write_text(json.dumps(meta, indent=2))
    decision = replace(decision, threshold_source=f"max F1 on {Path(cfg.valid).name}")
    decision.save(out)
    _append_card(out, decision, meta["training"])
    return TrainReport(str(out), seconds, int(result.global_step), threshold, valid)


def _append_card(out: Path, decision: DecisionConfig, meta: dict[str, Any]) -> None:
    """Add the decision threshold and the run's figures to the generated model card."""
    card = out / "README.md"
    lines = [
        "",
        "## offer-matcher",
        "",
        f"- Decision threshold (cosine): **{decision.threshold}** ({decision.threshold_source})",
        f"- Validation at that threshold: {json.dumps(meta['valid_metrics'])}",
        f"- Training: {meta['steps']} steps in {meta['train_seconds']} s; data {json.dumps(meta['train_stats'])}",
        "",
    ]
    with card.open("a", encoding="utf-8") as fh:
        fh.write("\n".join(lines))
