"""The ML tooling's commands: ``generate``, ``train``, ``train-reranker``, ``eval``.

Each one parses its config dataclass from flags, calls the library, and prints what came back.
"""

from __future__ import annotations

import argparse
import json
from dataclasses import asdict, replace
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
    gen.add_argument(
        "--market",
        choices=("phones", "hardware"),
        default="phones",
        help="phones: the seed's domain; hardware: a Russian hardware store (generic profile)",
    )
    gen.set_defaults(func=generate)
    tr = sub.add_parser("train", help="fine-tune a bi-encoder on labelled pairs")
    add_flags(tr, TrainConfig)
    tr.set_defaults(func=train)
    rr = sub.add_parser(
        "train-reranker", help="train the cross-encoder second stage, calibrate its band"
    )
    add_flags(rr, RerankConfig)
    rr.set_defaults(func=train_reranker)
    td = sub.add_parser(
        "train-decision",
        help="fit the learned decision on offers with answers (including absent products)",
    )
    td.add_argument(
        "--catalog",
        action="append",
        required=True,
        type=Path,
        help="catalog file (repeatable: one per --offers, in the same order)",
    )
    td.add_argument(
        "--offers",
        action="append",
        required=True,
        type=Path,
        help="offers with expected_catalog_id (null: not in the catalog), for that catalog",
    )
    td.add_argument(
        "--valid-offers",
        action="append",
        default=[],
        type=Path,
        help="offers to choose the probability threshold on (one per catalog; default: "
        "out-of-fold on --offers)",
    )
    td.add_argument("--out", required=True, type=Path, help="decision file to write (JSON)")
    td.add_argument(
        "--min-precision",
        type=float,
        default=0.98,
        help="match only where the matches taken reach this precision (on --valid-offers, else "
        "out of fold); from the best-F1 cut up to there, review; 0: the best-F1 cut alone",
    )
    td.add_argument(
        "--max-review",
        type=float,
        default=0.1,
        help="at most this share of the offers with a candidate goes to review (the precision "
        "target yields)",
    )
    td.add_argument("--seed", type=int, default=42, help="random seed of the trees")
    td.add_argument(
        "--model", default=None, help="model folder or packaged name (default: MATCHER_MODEL)"
    )
    td.add_argument(
        "--profile", default=None, help="how listings are read (default: MATCHER_PROFILE, auto)"
    )
    td.set_defaults(func=train_decision)
    ev = sub.add_parser(
        "eval", help="measure a model on pairs, or end to end on offers with answers"
    )
    add_flags(ev, EvalConfig)
    ev.set_defaults(func=evaluate)


def generate(args: argparse.Namespace) -> int:
    if args.market == "hardware":
        from matcher.lab.datagen import hardware

        print(json.dumps(hardware.write(hardware.build_hardware_market(seed=args.seed), args.out)))
        return 0
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
    cfg = replace(cfg, base=cfg.base or base.model)
    profile = profiles.get(cfg.profile or profiles.FALLBACK)

    def load(path: str) -> Any:
        return build_encoder(base.model_copy(update={"model": path}))

    report = run(cfg, load, lambda enc: decisions(base, enc).for_profile(profile))
    summary = {"out": report.out, "seconds": round(report.seconds, 1), "steps": report.steps}
    print(json.dumps({**summary, "threshold": round(report.threshold, 4), "valid": report.valid}))
    return 0


def train_decision(args: argparse.Namespace) -> int:
    """Fit the learned decision on labelled offers of one or more catalogs; write it to a file
    that ``MATCHER_DECISION`` (or the model's folder) serves."""
    import sys

    from matcher.catalog import read_catalog
    from matcher.catalog.ingest import build_index
    from matcher.decision.config import write_decision
    from matcher.lab.evaluation.offer_eval import read_offers
    from matcher.lab.training.offer_decision import fit_on_catalogs
    from streams.components import build_encoder, choose_profile, decisions

    if len(args.catalog) != len(args.offers) or len(args.valid_offers) not in (0, len(args.offers)):
        print(
            "matcher train-decision: give one --offers (and --valid-offers) per --catalog",
            file=sys.stderr,
        )
        return 2
    base = lab_settings(model=args.model, profile=args.profile)
    enc = build_encoder(base)
    sets = []
    for n, (catalog, offers) in enumerate(zip(args.catalog, args.offers, strict=True)):
        items = read_catalog(catalog)
        profile, choice = choose_profile(base, enc, items)
        index = build_index(items, enc, profile, choice, progress=False)
        valid = read_offers(args.valid_offers[n]) if args.valid_offers else []
        sets.append((index, read_offers(offers), valid))
    config, report = fit_on_catalogs(
        enc, decisions(base, enc), sets, args.seed, args.min_precision, args.max_review
    )
    about = {
        "model": enc.fingerprint,
        "catalogs": [str(c) for c in args.catalog],
        "offers": [str(o) for o in args.offers],
        **report,
    }
    write_decision(config, args.out, about)
    print(json.dumps({"out": str(args.out), "profile": config.profile, **report}))
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
    cfg = config_from(RerankConfig, args)
    print(
        json.dumps(
            run(
                replace(cfg, bi_encoder=cfg.bi_encoder or base.model),
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
    from matcher.lab.evaluation.offer_report import OUTCOMES
    from streams.components import choose_profile, decisions

    profile, choice = choose_profile(base, enc, read_catalog(cfg.catalog))
    result = run(
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
    served = result.served
    if cfg.json:
        print(
            json.dumps(
                {
                    "model": enc.fingerprint,
                    "profile": profile.name,
                    "profile_choice": choice,
                    **{k: v.as_dict() for k, v in result.rows.items()},
                    "served": served.as_dict(),
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
    for name, m in result.rows.items():
        table.add_row(
            name,
            *(
                f"{v:.4f}"
                for v in (m.threshold, m.precision, m.recall, m.f1, m.id_accuracy, m.accuracy)
            ),
        )
    console = Console()
    console.print(table)
    summary = Table(title="as served: the service's decisions, review included")
    for col in (
        "offers",
        "precision",
        "recall",
        "false match (absent)",
        "top-1",
        "review",
        "TF-IDF top-1",
    ):
        summary.add_column(col, justify="right")
    summary.add_row(
        str(served.offers),
        f"{served.precision:.3f}",
        f"{served.recall:.3f}",
        f"{served.false_match:.3f} of {served.absent}",
        f"{served.top1:.3f}",
        f"{served.review:.3f}",
        f"{served.tfidf_top1:.3f}" if served.tfidf_top1 is not None else "-",
    )
    console.print(summary)
    kinds = Table(title="outcome by kind of line")
    kinds.add_column("kind")
    for col in OUTCOMES:
        kinds.add_column(col, justify="right")
    for kind, counts in served.by_kind.items():
        kinds.add_row(kind, *(str(counts.get(c, 0)) for c in OUTCOMES))
    console.print(kinds)
    return 0
