"""The ML tooling's commands: ``generate``, ``train``, ``train-reranker``, ``eval``.

Each one parses its config dataclass from flags, calls the library, and prints what came back.
"""

from __future__ import annotations

import argparse
import json
from dataclasses import asdict
from pathlib import Path
from typing import Any

from streams.cli.flags import add_flags, config_from


def register(sub: Any) -> None:
    from matcher.lab.evaluation.config import EvalConfig
    from matcher.lab.training.config import RerankConfig, TrainConfig

    gen = sub.add_parser(
        "generate", help="write the synthetic phone market (catalog, offers, pairs)"
    )
    gen.add_argument(
        "--out", required=True, type=Path, help="folder for catalog.jsonl, offers_*.jsonl, pairs_*"
    )
    gen.add_argument("--seed", type=int, default=42, help="random seed of the market")
    gen.set_defaults(func=generate)
    tr = sub.add_parser("train", help="fine-tune a bi-encoder on labelled pairs")
    add_flags(tr, TrainConfig)
    tr.set_defaults(func=train)
    rr = sub.add_parser(
        "train-reranker", help="train the cross-encoder second stage, calibrate its band"
    )
    add_flags(rr, RerankConfig)
    rr.set_defaults(func=train_reranker)
    ev = sub.add_parser(
        "eval", help="measure a model on pairs, or end to end on offers with answers"
    )
    add_flags(ev, EvalConfig)
    ev.set_defaults(func=evaluate)


def generate(args: argparse.Namespace) -> int:
    from matcher.lab.datagen import build_market, write

    print(json.dumps(write(build_market(seed=args.seed), args.out)))
    return 0


def train(args: argparse.Namespace) -> int:
    from matcher import profiles
    from matcher.lab.training.bi_encoder import train as run
    from matcher.lab.training.config import TrainConfig
    from streams.components import build_encoder, decisions

    cfg = config_from(TrainConfig, args)
    base = lab_settings()
    profile = profiles.get(cfg.profile or profiles.FALLBACK)

    def load(path: str) -> Any:
        return build_encoder(base.model_copy(update={"model": path}))

    report = run(cfg, load, lambda enc: decisions(base, enc).for_profile(profile))
    summary = {"out": report.out, "seconds": round(report.seconds, 1), "steps": report.steps}
    print(json.dumps({**summary, "threshold": round(report.threshold, 4), "valid": report.valid}))
    return 0


def lab_settings(**changes: Any) -> Any:
    """The deployment's settings for lab work: no vector cache (every text is new), and the
    given fields (``None``: the setting's own)."""
    from streams.cli.common import settings

    return settings().model_copy(
        update={"vector_cache_size": 0, **{k: v for k, v in changes.items() if v is not None}}
    )


def train_reranker(args: argparse.Namespace) -> int:
    from matcher.lab.training.config import RerankConfig
    from matcher.lab.training.cross_encoder import train_reranker as run
    from streams.components import build_encoder

    base = lab_settings()
    print(
        json.dumps(
            run(
                config_from(RerankConfig, args),
                lambda path: build_encoder(base.model_copy(update={"model": path})),
            )
        )
    )
    return 0


def evaluate(args: argparse.Namespace) -> int:
    import sys

    from matcher.lab.evaluation.config import EvalConfig
    from streams.components import build_encoder

    cfg = config_from(EvalConfig, args)
    if not cfg.pairs and not (cfg.catalog and cfg.offers):
        print("matcher eval: give --pairs, or --catalog and --offers", file=sys.stderr)
        return 2
    base = lab_settings(
        model=cfg.model,
        encode_batch_size=cfg.batch_size,
        profile=cfg.profile,
        lexical_weight=cfg.lexical_weight,
    )
    enc = build_encoder(base)
    if cfg.max_seq_length:
        enc.max_seq_length = cfg.max_seq_length
    return _pairs(cfg, base, enc) if cfg.pairs else _offers(cfg, base, enc)


def _pairs(cfg: Any, base: Any, enc: Any) -> int:
    from rich.console import Console
    from rich.table import Table

    from matcher import profiles
    from matcher.decision.second_stage import Reranker
    from matcher.lab.evaluation.pair_eval import evaluate as run
    from matcher.lab.evaluation.pair_eval import table_rows
    from matcher.lab.evaluation.plots import score_plot
    from streams.components import decisions, explicit_profile

    named = explicit_profile(base, enc)
    profile = named[0] if named else profiles.get(profiles.FALLBACK)
    reranker = Reranker(cfg.reranker, base.device) if cfg.reranker else None
    report, raw = run(
        enc,
        cfg.pairs,
        decisions(base, enc).for_profile(profile),
        cfg.serialize,
        cfg.threshold,
        reranker,
        profile.name if named else None,
        cfg.fit_decision,
    )
    if cfg.plot:
        scores, labels = raw["test"]
        title = f"{Path(cfg.pairs).name} — {enc.fingerprint}"
        score_plot(scores, labels, report.threshold, title, cfg.plot)
    if cfg.json:
        print(json.dumps(asdict(report)))
        return 0
    table = Table(
        title=f"{cfg.pairs} — {enc.fingerprint}, threshold {report.threshold:.4f} "
        f"({report.threshold_source})"
    )
    for col in ("metric", "valid", "test"):
        table.add_column(col, justify="right" if col != "metric" else "left")
    for row in table_rows(report):
        table.add_row(*row)
    Console().print(table)
    return 0


def _offers(cfg: Any, base: Any, enc: Any) -> int:
    from rich.console import Console
    from rich.table import Table

    from matcher.catalog import read_catalog
    from matcher.lab.evaluation.offer_eval import evaluate as run
    from streams.components import choose_profile, decisions

    profile, choice = choose_profile(base, enc, read_catalog(cfg.catalog))
    rows = run(
        enc,
        cfg.catalog,
        cfg.offers,
        decisions(base, enc),
        profile,
        choice,
        cfg.valid_offers,
        cfg.threshold,
        cfg.write_threshold,
    )
    if cfg.json:
        print(
            json.dumps(
                {
                    "model": enc.fingerprint,
                    "profile": profile.name,
                    "profile_choice": choice,
                    **{k: v.as_dict() for k, v in rows.items()},
                }
            )
        )
        return 0
    table = Table(
        title=f"offers → decisions: {Path(cfg.offers).name}, model {enc.fingerprint}, "
        f"profile {profile.name} ({choice})"
    )
    for col in ("config", "threshold", "precision", "recall", "F1", "id accuracy", "accuracy"):
        table.add_column(col, justify="right")
    for name, m in rows.items():
        table.add_row(
            name,
            *(
                f"{v:.4f}"
                for v in (m.threshold, m.precision, m.recall, m.f1, m.id_accuracy, m.accuracy)
            ),
        )
    Console().print(table)
    return 0
