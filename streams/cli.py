"""The ``matcher`` command: run the consumer, load the catalog, match offline, demo, generate data."""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import json
import logging
import os
import signal
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:  # heavy imports stay lazy, so `matcher --help` is instant
    from matcher.catalog import RedisCatalog
    from matcher.encoder import Encoder
    from matcher.settings import Settings

T = TypeVar("T")


def _settings() -> Settings:
    from matcher.settings import get_settings

    return get_settings()


def cmd_run(args: argparse.Namespace) -> int:
    from streams.app import build_app

    asyncio.run(build_app(_settings()).run())
    return 0


def cmd_up(args: argparse.Namespace) -> int:
    """Keep embedded servers up for ``matcher run`` and friends until Ctrl-C / SIGTERM."""
    from matcher.settings import Settings
    from streams.embedded import embedded
    from streams.topics import ensure_topics

    with embedded(args.kafka_port, args.redis_port) as env:
        asyncio.run(ensure_topics(Settings(kafka_bootstrap=env.bootstrap)))
        print(f"export MATCHER_KAFKA_BOOTSTRAP={env.bootstrap}")
        print(f"export MATCHER_REDIS_URL={env.redis_url}")
        print("# servers are up; Ctrl-C stops them", flush=True)
        stop = False

        def _stop(*_: object) -> None:
            nonlocal stop
            stop = True

        signal.signal(signal.SIGTERM, _stop)
        signal.signal(signal.SIGINT, _stop)
        while not stop:
            time.sleep(0.2)
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from rich.console import Console

    from streams.demo import run_demo

    console = Console()
    try:
        report = asyncio.run(run_demo(n_offers=args.offers, console=console))
    except KeyboardInterrupt:
        console.print("interrupted: servers stopped")
        return 130
    console.print(report.summary())
    return 0 if report.distinct_out == report.offers_in else 1


def _encoder_and_store(cfg: Settings) -> tuple[Encoder, RedisCatalog]:
    import redis

    from matcher.catalog import RedisCatalog
    from matcher.encoder import Encoder

    enc = Encoder(cfg.model, device=cfg.device, batch_size=cfg.batch_size)
    store = RedisCatalog(
        redis.Redis.from_url(cfg.redis_url), cfg.redis_prefix, enc.fingerprint, enc.dim
    )
    return enc, store


def cmd_catalog_load(args: argparse.Namespace) -> int:
    from matcher.catalog import read_catalog
    from matcher.catalog.loader import load

    enc, store = _encoder_and_store(_settings())
    items = read_catalog(args.path)
    report = load(items, enc, store, replace=args.replace)
    print(
        f"catalog version {report.version} for model {enc.fingerprint}: {report.embedded} embedded, "
        f"{report.unchanged} unchanged, {report.deleted} deleted"
    )
    return 0


def cmd_catalog_delete(args: argparse.Namespace) -> int:
    import numpy as np

    enc, store = _encoder_and_store(_settings())
    version = store.write([], np.zeros((0, enc.dim), dtype=np.float32), delete=args.ids)
    print(f"catalog version {version}: deleted {len(args.ids)} ids")
    return 0


def cmd_match(args: argparse.Namespace) -> int:
    """The streaming pipeline offline: JSONL offers in, JSONL results (output-event fields) out."""
    from matcher.catalog import read_catalog
    from matcher.catalog.loader import build_index
    from matcher.decision import DecisionPolicy
    from matcher.encoder import Encoder
    from matcher.pipeline import MatchPipeline
    from matcher.validation import InvalidOffer, parse_offer
    from streams.service import threshold_for

    cfg = _settings()
    enc = Encoder(cfg.model, device=cfg.device, batch_size=cfg.batch_size)
    index = build_index(read_catalog(args.catalog), enc)
    policy = DecisionPolicy(threshold_for(cfg, enc), guards=cfg.guards)
    pipeline = MatchPipeline(enc, lambda: index, policy, top_k=cfg.top_k)
    out = open(args.out, "w", encoding="utf-8") if args.out else sys.stdout  # noqa: SIM115
    bad = n = 0
    try:
        with open(args.offers, "rb") as fh:
            lines = [(i, line) for i, line in enumerate(fh, 1) if line.strip()]
        for start in range(0, len(lines), cfg.batch_size):
            offers = []
            for i, line in lines[start : start + cfg.batch_size]:
                try:
                    offers.append(parse_offer(line.rstrip(b"\r\n"), cfg.max_title_chars))
                except InvalidOffer as exc:
                    bad += 1
                    print(f"{args.offers}:{i}: {exc.kind}: {exc}", file=sys.stderr)
            for result in pipeline.match(offers):
                out.write(result.model_dump_json() + "\n")
                n += 1
    finally:
        if out is not sys.stdout:
            out.close()
    print(f"{n} results, {bad} invalid offers", file=sys.stderr)
    return 0 if bad == 0 else 2


def cmd_generate(args: argparse.Namespace) -> int:
    from matcher.datagen import build_market, write

    counts = write(build_market(seed=args.seed), args.out)
    print(json.dumps(counts))
    return 0


def _config(cls: type[T], args: argparse.Namespace, **overrides: Any) -> T:
    """A config dataclass from the parsed flags of the same names (paths as strings)."""
    names = {f.name for f in dataclasses.fields(cls)}  # type: ignore[arg-type]
    values = {k: str(v) if isinstance(v, Path) else v for k, v in vars(args).items() if k in names}
    return cls(**{**values, **overrides})


def cmd_train(args: argparse.Namespace) -> int:
    from matcher.training.trainer import TrainConfig, train

    report = train(_config(TrainConfig, args))
    summary = {"out": report.out, "seconds": round(report.seconds, 1), "steps": report.steps}
    print(json.dumps({**summary, "threshold": round(report.threshold, 4), "valid": report.valid}))
    return 0


def cmd_train_reranker(args: argparse.Namespace) -> int:
    from matcher.training.cross import RerankConfig, train_reranker

    print(json.dumps(train_reranker(_config(RerankConfig, args, symmetric=not args.one_way))))
    return 0


def _eval_encoder(args: argparse.Namespace) -> Encoder:
    from matcher.encoder import Encoder

    enc = Encoder(args.model, batch_size=args.batch_size)
    if args.max_seq_length:
        enc.model.max_seq_length = args.max_seq_length
    return enc


def cmd_eval(args: argparse.Namespace) -> int:
    if args.pairs:
        return _eval_pairs(args)
    if args.catalog and args.offers:
        return _eval_offers(args)
    print("matcher eval: give --pairs, or --catalog and --offers", file=sys.stderr)
    return 2


def _eval_pairs(args: argparse.Namespace) -> int:
    from dataclasses import asdict

    from rich.console import Console
    from rich.table import Table

    from matcher.evaluation.pairs import evaluate, table_rows
    from matcher.evaluation.plots import score_plot
    from matcher.rerank import Reranker

    enc = _eval_encoder(args)
    reranker = Reranker(str(args.reranker)) if args.reranker else None
    report, raw = evaluate(enc, args.pairs, args.serialize, args.threshold, reranker)
    if args.plot:
        scores, labels = raw["test"]
        score_plot(
            scores,
            labels,
            report.threshold,
            f"{Path(args.pairs).name} — {enc.fingerprint}",
            args.plot,
        )
    if args.json:
        print(json.dumps(asdict(report)))
        return 0
    table = Table(
        title=f"{args.pairs} — {enc.fingerprint}, threshold {report.threshold:.4f} ({report.threshold_source})"
    )
    for col in ("metric", "valid", "test"):
        table.add_column(col, justify="right" if col != "metric" else "left")
    for row in table_rows(report):
        table.add_row(*row)
    Console().print(table)
    return 0


def _eval_offers(args: argparse.Namespace) -> int:
    from rich.console import Console
    from rich.table import Table

    from matcher import models
    from matcher.catalog import read_catalog
    from matcher.catalog.loader import build_index
    from matcher.evaluation import offers as offer_eval

    enc = _eval_encoder(args)
    index = build_index(read_catalog(args.catalog), enc)

    def read(path: Path) -> list[dict[str, object]]:
        return [json.loads(line) for line in path.open(encoding="utf-8") if line.strip()]

    test = read(args.offers)
    valid = read(args.valid_offers) if args.valid_offers else []
    rows = {}
    for guards in (False, True):
        threshold = args.threshold
        if threshold is None:
            if valid:
                threshold = offer_eval.calibrate(offer_eval.outcomes(enc, index, valid, guards))
            else:
                threshold = enc.calibrated_threshold or 0.8
        rows["guards" if guards else "no guards"] = offer_eval.at(
            offer_eval.outcomes(enc, index, test, guards), threshold
        )
    if args.write_threshold:
        meta_path = Path(enc.path) / models.MATCHER_META
        meta = json.loads(meta_path.read_text()) if meta_path.exists() else {}
        meta.update(
            {
                "threshold": round(rows["guards"].threshold, 6),
                "threshold_source": f"max F1 of offer decisions on {Path(args.valid_offers or args.offers).name}, guards on",
            }
        )
        meta_path.write_text(json.dumps(meta, indent=2))
    if args.json:
        print(json.dumps({"model": enc.fingerprint, **{k: v.as_dict() for k, v in rows.items()}}))
        return 0
    table = Table(
        title=f"offers → decisions: {args.offers.name} ({len(test)} offers), model {enc.fingerprint}"
    )
    for col in ("config", "threshold", "precision", "recall", "F1", "id accuracy", "accuracy"):
        table.add_column(col, justify="right")
    for name, m in rows.items():
        table.add_row(
            name,
            f"{m.threshold:.4f}",
            f"{m.precision:.4f}",
            f"{m.recall:.4f}",
            f"{m.f1:.4f}",
            f"{m.id_accuracy:.4f}",
            f"{m.accuracy:.4f}",
        )
    Console().print(table)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="matcher", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    sub.add_parser(
        "run", help="consume offers from Kafka and publish matches (config: MATCHER_*)"
    ).set_defaults(func=cmd_run)

    up = sub.add_parser("up", help="run embedded Kafka-protocol broker and Redis until Ctrl-C")
    up.add_argument("--kafka-port", type=int, default=None)
    up.add_argument("--redis-port", type=int, default=None)
    up.set_defaults(func=cmd_up)

    demo = sub.add_parser("demo", help="the whole data path on embedded servers")
    demo.add_argument("--offers", type=int, default=400)
    demo.set_defaults(func=cmd_demo)

    cat = sub.add_parser("catalog", help="the catalog in Redis").add_subparsers(
        dest="action", required=True
    )
    cload = cat.add_parser("load", help="embed a JSONL/CSV catalog into Redis")
    cload.add_argument("path", type=Path)
    cload.add_argument("--replace", action="store_true", help="delete stored items not in PATH")
    cload.set_defaults(func=cmd_catalog_load)
    cdel = cat.add_parser("delete", help="delete catalog items by id")
    cdel.add_argument("ids", nargs="+")
    cdel.set_defaults(func=cmd_catalog_delete)

    match = sub.add_parser("match", help="match a JSONL file of offers offline")
    match.add_argument("--catalog", required=True, type=Path)
    match.add_argument("--offers", required=True, type=Path)
    match.add_argument("--out", type=Path, default=None)
    match.set_defaults(func=cmd_match)

    gen = sub.add_parser(
        "generate", help="write the synthetic phone market (catalog, offers, pairs)"
    )
    gen.add_argument("--out", required=True, type=Path)
    gen.add_argument("--seed", type=int, default=42)
    gen.set_defaults(func=cmd_generate)

    from matcher.training.losses import LOSSES

    tr = sub.add_parser("train", help="fine-tune a bi-encoder on labelled pairs")
    tr.add_argument(
        "--train",
        required=True,
        type=Path,
        help="pairs: .csv/.jsonl (sentence_0, sentence_1, label) or benchmark .txt",
    )
    tr.add_argument("--valid", required=True, type=Path)
    tr.add_argument("--out", required=True, type=Path)
    tr.add_argument(
        "--base",
        default="all-MiniLM-L6-v2",
        help="model to start from (folder, packaged name or hub id)",
    )
    tr.add_argument("--loss", choices=LOSSES, default="contrastive")
    tr.add_argument("--margin", type=float, default=0.5)
    tr.add_argument("--epochs", type=float, default=10.0)
    tr.add_argument("--batch-size", type=int, default=16)
    tr.add_argument("--lr", type=float, default=5e-5)
    tr.add_argument("--warmup-ratio", type=float, default=0.0)
    tr.add_argument("--max-seq-length", type=int, default=None)
    tr.add_argument("--seed", type=int, default=42)
    tr.add_argument(
        "--symmetric", action="store_true", help="train on both directions of each pair"
    )
    tr.add_argument(
        "--serialize", choices=("kv", "values", "raw"), default="kv", help="benchmark record text"
    )
    tr.add_argument(
        "--eval-steps", type=int, default=None, help="evaluate every N steps (default: each epoch)"
    )
    tr.add_argument("--max-train-pairs", type=int, default=None, help="train on a random subsample")
    tr.set_defaults(func=cmd_train)

    rr = sub.add_parser(
        "train-reranker", help="train the cross-encoder second stage, calibrate its band"
    )
    rr.add_argument("--train", required=True, type=Path)
    rr.add_argument("--valid", required=True, type=Path)
    rr.add_argument("--out", required=True, type=Path)
    rr.add_argument(
        "--bi-encoder", default="all-MiniLM-L6-v2", help="the first stage the band is for"
    )
    rr.add_argument("--bi-max-seq-length", type=int, default=None)
    rr.add_argument("--base", default="all-MiniLM-L6-v2")
    rr.add_argument("--epochs", type=float, default=2.0)
    rr.add_argument("--batch-size", type=int, default=16)
    rr.add_argument("--lr", type=float, default=3e-5)
    rr.add_argument("--max-length", type=int, default=128)
    rr.add_argument("--seed", type=int, default=42)
    rr.add_argument("--one-way", action="store_true", help="do not add the reversed pairs")
    rr.add_argument("--serialize", choices=("kv", "values", "raw"), default="kv")
    rr.set_defaults(func=cmd_train_reranker)

    ev = sub.add_parser(
        "eval", help="measure a model on pairs, or end to end on offers with answers"
    )
    ev.add_argument("--model", default="all-MiniLM-L6-v2")
    ev.add_argument(
        "--pairs", type=Path, help="benchmark folder (train/valid/test) or one pairs file"
    )
    ev.add_argument("--catalog", type=Path, help="catalog file, for offers mode")
    ev.add_argument("--offers", type=Path, help="offers with expected_catalog_id, for offers mode")
    ev.add_argument("--valid-offers", type=Path, help="offers to calibrate the threshold on")
    ev.add_argument(
        "--write-threshold",
        action="store_true",
        help="store the calibrated threshold with the model",
    )
    ev.add_argument("--threshold", type=float, default=None)
    ev.add_argument("--serialize", choices=("kv", "values", "raw"), default="kv")
    ev.add_argument("--max-seq-length", type=int, default=None)
    ev.add_argument("--batch-size", type=int, default=64)
    ev.add_argument(
        "--plot", type=Path, default=None, help="PNG of score histograms and the PR curve"
    )
    ev.add_argument("--json", action="store_true", help="one machine-readable object")
    ev.add_argument(
        "--reranker", type=Path, default=None, help="cross-encoder for the unsure band (pairs mode)"
    )
    ev.set_defaults(func=cmd_eval)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    logging.basicConfig(
        level=os.environ.get("MATCHER_LOG_LEVEL", "INFO"),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    for noisy in ("aiokafka", "httpx", "sentence_transformers", "transformers"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    args = build_parser().parse_args(argv)
    return int(args.func(args))


if __name__ == "__main__":
    sys.exit(main())
