"""``make review-experiment``: what people's answers are worth, measured on a labelled fixture.

    python -m tests.review_experiment tests/fixtures/tyres_handwritten --band 1.0

The service's own path without Kafka, on an embedded Redis: the catalog is loaded, and the
fixture's offers are split in two halves by offer id. Half A goes through the matcher with a wide
review band (as when a new supplier's first list is checked line by line: with 1.0 every line
that has a compatible candidate goes to review), and a simulated reviewer answers every line that
went to review with the fixture's answer (pick the right item, or "not in the catalog").

- **Re-sent list**: half A again, under new offer ids: the reviewed lines come from aliases
  (no model call); offers/s of that pass against the first one, and the share served by aliases.
- **Training on the answers**: ``matcher reviews export`` writes them; ``matcher train-decision``
  fits the learned decision on the exported offers; half B (never reviewed) is matched before and
  after with the service's defaults: precision, recall, false-match rate on absent items.

Prints a table and one JSON line.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
import zlib
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from matcher.catalog import read_catalog
from matcher.events import MatchResult, Offer
from matcher.review import Answer
from matcher.review import export as review_export
from streams.cli import main as matcher
from streams.components import (
    build_answers,
    build_encoder,
    build_matcher,
    build_store,
    load_catalog,
)
from streams.devtools.embedded import start_redis
from streams.settings import Settings


def scores(offers: list[dict[str, Any]], results: list[MatchResult]) -> dict[str, float | None]:
    """Precision and recall of the matches, the false-match rate on absent items, reviews."""
    truth = [o["expected_catalog_id"] for o in offers]
    matched = [(t, r.catalog_id) for t, r in zip(truth, results, strict=True) if r.catalog_id]
    right = sum(t == c for t, c in matched)
    present = sum(t is not None for t in truth)
    absent = [r for t, r in zip(truth, results, strict=True) if t is None]
    return {
        "offers": len(offers),
        "precision": round(right / len(matched), 3) if matched else None,
        "recall": round(right / max(1, present), 3),
        "false_match": round(
            sum(r.catalog_id is not None for r in absent) / max(1, len(absent)), 3
        ),
        "review": round(sum(r.decision == "review" for r in results) / max(1, len(results)), 3),
    }


def offline(cfg: Settings, catalog: Path, offers: list[dict[str, Any]]) -> list[MatchResult]:
    """Match ``offers`` against the catalog file with ``cfg``'s decision (no answers consulted)."""
    made = build_matcher(cfg, catalog_file=catalog)
    return made.pipeline.match([Offer.model_validate(o) for o in offers])


def run(args: argparse.Namespace) -> dict[str, Any]:
    folder = Path(args.fixture)
    catalog = folder / "catalog.jsonl"
    offers = [json.loads(x) for x in (folder / "offers.jsonl").read_text("utf-8").splitlines()]
    half_a = [o for o in offers if zlib.crc32(o["offer_id"].encode()) % 2 == 0]
    half_b = [o for o in offers if zlib.crc32(o["offer_id"].encode()) % 2 == 1]
    truth = {o["offer_id"]: o["expected_catalog_id"] for o in offers}
    work = Path(tempfile.mkdtemp(prefix="review-experiment-"))
    redis = start_redis()
    try:
        cfg = Settings(
            redis_url=f"redis://127.0.0.1:{redis.port}/0", redis_prefix="exp", vector_cache_size=0
        )
        enc = build_encoder(cfg)
        load_catalog(cfg, enc, read_catalog(catalog))
        before_b = scores(half_b, offline(cfg, catalog, half_b))
        onboarding = cfg.model_copy(update={"review_band": args.band})
        served = build_matcher(onboarding, enc)
        answers = build_answers(cfg, enc)
        started = time.perf_counter()
        first = served.pipeline.match([Offer.model_validate(o) for o in half_a])
        first_s = time.perf_counter() - started
        asked = answers.pending(limit=10_000)
        for item in asked:  # the reviewer knows the answer
            if not answers.client.hexists(answers.items, item.offer_id):
                continue  # settled already by an answer for the same line
            right = truth[item.offer_id]
            answer = Answer(item.offer_id, "pick", "reviewer", right) if right else None
            answers.answer(answer or Answer(item.offer_id, "none", "reviewer"), item)
        again = [dict(o, offer_id=f"{o['offer_id']}-again") for o in half_a]
        started = time.perf_counter()
        resent = served.pipeline.match([Offer.model_validate(o) for o in again])
        resent_s = time.perf_counter() - started
        exported = review_export.write(answers, build_store(cfg, enc), work / "answers")
        decision = work / "decision.json"
        fitted = matcher(
            [
                "train-decision",
                "--catalog",
                str(catalog),
                "--offers",
                str(work / "answers" / "offers.jsonl"),
                "--out",
                str(decision),
            ]
        )
        assert fitted == 0
        after_b = scores(
            half_b, offline(cfg.model_copy(update={"decision": str(decision)}), catalog, half_b)
        )
    finally:
        redis.stop()
    aliased = sum(r.reason.endswith(":confirmed") for r in resent)
    report = {
        "fixture": str(folder),
        "model": enc.fingerprint,
        "band": args.band,
        "half_a": {"first_pass": scores(half_a, first), "resent": scores(half_a, resent)},
        "asked": len(asked),
        "exported": exported,
        "resent": {
            "first_pass_offers_per_s": round(len(half_a) / first_s, 1),
            "resent_offers_per_s": round(len(half_a) / resent_s, 1),
            "served_from_aliases": aliased,
        },
        "half_b": {"before": before_b, "after_training_on_answers": after_b},
    }
    show(report)
    return report


def show(report: dict[str, Any]) -> None:
    table = Table(title=f"answers on {report['fixture']} ({report['model']})")
    for col in ("pass", "offers", "precision", "recall", "false match", "review"):
        table.add_column(col)
    rows = [
        (f"A, first pass (band {report['band']:.2f})", report["half_a"]["first_pass"]),
        ("A, re-sent after the answers", report["half_a"]["resent"]),
        ("B, before (defaults)", report["half_b"]["before"]),
        ("B, decision fitted on the answers", report["half_b"]["after_training_on_answers"]),
    ]
    for name, s in rows:
        table.add_row(
            name,
            *(
                "—" if s[k] is None else str(s[k])
                for k in ("offers", "precision", "recall", "false_match", "review")
            ),
        )
    Console().print(table)
    r = report["resent"]
    print(
        f"asked {report['asked']}, exported {report['exported']}; re-sent pass "
        f"{r['resent_offers_per_s']} offers/s vs {r['first_pass_offers_per_s']} "
        f"({r['served_from_aliases']} of {report['half_a']['resent']['offers']} from aliases)"
    )
    print(json.dumps(report))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("fixture", help="folder with catalog.jsonl and offers.jsonl (answers)")
    parser.add_argument("--band", type=float, default=1.0, help="review band of the first pass")
    run(parser.parse_args())


if __name__ == "__main__":
    main()
