"""What ``matcher eval`` measures and how; ``matcher eval`` makes one flag of each field."""

from __future__ import annotations

from dataclasses import dataclass, field

from matcher.lab.pairs import Serialize


def _help(text: str) -> dict[str, str]:
    return {"help": text}


@dataclass(frozen=True)
class EvalConfig:
    """Pairs mode (``pairs``) or offers mode (``catalog`` + ``offers``)."""

    model: str | None = field(
        default=None, metadata=_help("model folder or packaged name (default: MATCHER_MODEL)")
    )
    pairs: str | None = field(
        default=None, metadata=_help("benchmark folder (train/valid/test) or one pairs file")
    )
    catalog: str | None = field(default=None, metadata=_help("catalog file, for offers mode"))
    offers: str | None = field(
        default=None, metadata=_help("offers with expected_catalog_id, for offers mode")
    )
    valid_offers: str | None = field(
        default=None, metadata=_help("offers to calibrate the threshold on (offers mode)")
    )
    write_threshold: bool = field(
        default=False,
        metadata=_help("save the calibrated threshold in the model's decision config"),
    )
    threshold: float | None = field(
        default=None, metadata=_help("use this threshold instead of calibrating one")
    )
    serialize: Serialize = field(default="kv", metadata=_help("benchmark record text"))
    profile: str | None = field(
        default=None,
        metadata=_help(
            "read listings with this profile, or auto: chosen from the catalog as a load "
            "chooses it (default: MATCHER_PROFILE, auto; pairs mode: auto reads them as given)"
        ),
    )
    lexical_weight: float | None = field(
        default=None,
        metadata=_help(
            "share of the lexical cosine in the score (offers mode; default: profile's)"
        ),
    )
    fit_decision: bool = field(
        default=False,
        metadata=_help("fit the learned decision on the train split first (pairs mode)"),
    )
    max_seq_length: int | None = field(default=None, metadata=_help("truncate texts to N tokens"))
    batch_size: int | None = field(
        default=None,
        metadata=_help("texts per model forward pass (default: MATCHER_ENCODE_BATCH_SIZE)"),
    )
    plot: str | None = field(
        default=None, metadata=_help("PNG of score histograms and the PR curve (pairs mode)")
    )
    json: bool = field(default=False, metadata=_help("print one machine-readable object"))
    reranker: str | None = field(
        default=None, metadata=_help("cross-encoder for the unsure band (pairs mode)")
    )
