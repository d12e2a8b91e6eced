"""Every knob of a training run, one dataclass per command; the CLI makes one flag of each field.

Defaults follow the seed model card for the bi-encoder: ContrastiveLoss (cosine distance, margin
0.5), batch 16, lr 5e-5, 10 epochs, linear schedule, seed 42.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from matcher.lab.pairs import Serialize
from matcher.lab.training.losses import LossName
from matcher.profiles import PROFILES


def _help(text: str) -> dict[str, str]:
    return {"help": text}


@dataclass(frozen=True)
class TrainConfig:
    """Every knob of a training run; ``matcher train`` makes one flag of each field."""

    train: str = field(
        metadata=_help(
            "pairs: .csv/.jsonl (sentence_0, sentence_1, label) or benchmark .txt; several "
            "files joined by commas (e.g. yours and `matcher reviews export`'s pairs.csv)"
        )
    )
    valid: str = field(metadata=_help("validation pairs (the threshold is chosen on them)"))
    out: str = field(metadata=_help("folder to write the trained model to"))
    base: str = field(
        default="",
        metadata=_help(
            "model to start from (folder or packaged name; default: the "
            "service's model, MATCHER_MODEL)"
        ),
    )
    loss: LossName = field(default="contrastive", metadata=_help("training loss"))
    margin: float = field(default=0.5, metadata=_help("contrastive margin (cosine distance)"))
    epochs: float = field(default=10.0, metadata=_help("training epochs"))
    batch_size: int = field(default=16, metadata=_help("pairs per training step"))
    lr: float = field(default=5e-5, metadata=_help("peak learning rate (linear schedule)"))
    warmup_ratio: float = field(default=0.0, metadata=_help("share of steps to warm up"))
    max_seq_length: int | None = field(default=None, metadata=_help("truncate texts to N tokens"))
    seed: int = field(default=42, metadata=_help("random seed"))
    symmetric: bool = field(default=False, metadata=_help("train on both directions of each pair"))
    serialize: Serialize = field(default="kv", metadata=_help("benchmark record text"))
    profile: str | None = field(
        default=None,
        metadata=_help(
            f"read both texts with this profile ({', '.join(PROFILES)}) before training, as the "
            "service will; recorded with the model, whose catalogs are then read with it "
            "(default: texts as given, decision calibrated for generic)"
        ),
    )
    eval_steps: int | None = field(
        default=None, metadata=_help("evaluate every N steps (default: each epoch)")
    )
    max_train_pairs: int | None = field(
        default=None, metadata=_help("train on a random subsample (quick runs on CPU)")
    )
    max_valid_pairs: int | None = field(
        default=None,
        metadata=_help("evaluate and calibrate on a random subsample of valid (quick runs on CPU)"),
    )


@dataclass(frozen=True)
class RerankConfig:
    """Every knob of a reranker run; ``matcher train-reranker`` makes one flag of each field."""

    train: str = field(metadata=_help("training pairs"))
    valid: str = field(metadata=_help("validation pairs (the band is chosen on them)"))
    out: str = field(metadata=_help("folder to write the cross-encoder to"))
    bi_encoder: str = field(
        default="",
        metadata=_help("the first stage whose unsure band it serves (default: MATCHER_MODEL)"),
    )
    bi_max_seq_length: int | None = field(
        default=None, metadata=_help("token limit of the bi-encoder when calibrating")
    )
    base: str = field(
        default="all-MiniLM-L6-v2",
        metadata=_help("transformer to start from (a fresh classification head)"),
    )
    epochs: float = field(default=2.0, metadata=_help("training epochs"))
    batch_size: int = field(default=16, metadata=_help("pairs per training step"))
    lr: float = field(default=3e-5, metadata=_help("peak learning rate"))
    max_length: int = field(default=128, metadata=_help("token limit of the cross-encoder"))
    seed: int = field(default=42, metadata=_help("random seed"))
    symmetric: bool = field(
        default=True,
        metadata={
            "help": "train on the pairs one way only (default: both ways)",
            "off": "--one-way",
        },
    )
    serialize: Serialize = field(default="kv", metadata=_help("benchmark record text"))
