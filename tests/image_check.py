"""The built image, run as a container against the embedded broker and Redis (``make
image-check``): catalog load, offers in, results and dead letters out, /readyz and /metrics.

    python -m tests.image_check offer-matcher:0.2.0
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from matcher.catalog import read_catalog
from matcher.lab.datagen import build_market, write
from streams.components import build_encoder, load_catalog
from streams.devtools.embedded import embedded, free_port
from streams.kafka.topics import ensure_topics
from streams.settings import Settings, to_env
from tests.integration_helpers import have_ids, payloads, produce_to, read_topic
from tests.test_operations import get, metric, wait_http


def podman(*args: str, check: bool = True, both: bool = False) -> str:
    done = subprocess.run(["podman", *args], capture_output=True, text=True, check=False)
    if check and done.returncode != 0:
        raise RuntimeError(f"podman {' '.join(args)}: {done.stderr[-2000:]}")
    return done.stdout + done.stderr if both else done.stdout


async def check(tag: str) -> dict[str, Any]:
    inspect = json.loads(podman("image", "inspect", tag))[0]
    config = inspect.get("Config", {})
    report: dict[str, Any] = {
        "image": tag,
        "size_mb": round(inspect.get("Size", 0) / 1e6),
        "user": config.get("User"),
        "healthcheck": bool(
            inspect.get("Healthcheck") or inspect.get("HealthCheck") or config.get("Healthcheck")
        ),
    }
    work = Path(tempfile.mkdtemp(prefix="image-check-"))
    market = build_market(seed=42)
    write(market, work)
    with embedded() as env:
        port = free_port()
        cfg = Settings(
            kafka_bootstrap=env.bootstrap,
            redis_url=env.redis_url,
            http_port=port,
            http_host="127.0.0.1",
            group_id="image-check",
            log_format="json",
            profile="phones",  # the generated market is phones
        )
        await ensure_topics(cfg)
        encoder = build_encoder(cfg)
        loaded = load_catalog(cfg, encoder, read_catalog(work / "catalog.jsonl"))
        report["catalog_version"] = loaded.version
        name = f"matcher-check-{port}"
        env_args = [f"--env={k}={v}" for k, v in to_env(cfg).items() if k != "MATCHER_CACHE_DIR"]
        podman(
            "run", "--detach", "--name", name, "--network=host", "--read-only",
            "--tmpfs", "/tmp", *env_args, tag,
        )  # fmt: skip
        base = f"http://127.0.0.1:{port}"
        try:
            report["healthz"] = json.loads(wait_http(f"{base}/healthz", 200, 300))["alive"]
            report["readyz"] = json.loads(wait_http(f"{base}/readyz", 200, 300))
            offers = [
                dict(o, offer_id=f"img-{i}") for i, o in enumerate(market.offers["test"][:200])
            ]
            bad = [(b"bad-1", b"{not json"), (b"bad-2", b'{"offer_id": "x"}')]
            started = time.monotonic()
            await produce_to(cfg, payloads(offers) + bad)
            results = await read_topic(
                cfg, cfg.output_topic, have_ids(o["offer_id"] for o in offers), 600
            )
            dead = await read_topic(cfg, cfg.dlq_topic, lambda e: len(e) >= 2, 60)
            expected = {o["offer_id"]: o["expected_catalog_id"] for o in offers}
            latest = {r["offer_id"]: r for r in results}
            report.update(
                offers_in=len(offers),
                results_out=len(latest),
                right_catalog_id=sum(
                    latest[k]["catalog_id"] == v for k, v in expected.items() if k in latest
                ),
                dead_letters=sorted(d["error_class"] for d in dead),
                seconds=round(time.monotonic() - started, 1),
            )
            time.sleep(1.0)
            status, text = get(f"{base}/metrics")
            report["metrics_status"] = status
            report["metrics_offers_total"] = metric(text, "matcher_offers_total")
            report["metrics_dead_letters_invalid_json"] = metric(
                text, "matcher_dead_letters_total", error_class="invalid_json"
            )
        finally:
            podman("stop", "--time", "60", name, check=False)
            report["exit_code"] = int(
                podman("inspect", name, "--format", "{{.State.ExitCode}}", check=False).strip()
                or -1
            )
            report["log_tail"] = (
                podman("logs", "--tail", "3", name, check=False).strip().splitlines()
            )
            podman("rm", "-f", name, check=False)
    return report


def main() -> int:
    report = asyncio.run(check(sys.argv[1]))
    print(json.dumps(report, indent=2))
    ok = (
        report["results_out"] == report["offers_in"]
        and report["dead_letters"] == ["invalid_fields", "invalid_json"]
        and report["readyz"]["ready"]
        and report["metrics_status"] == 200
        and report["exit_code"] == 0
        and report["user"] not in (None, "", "root", "0")
        and report["healthcheck"]
    )
    print("image-check:", "passed" if ok else "FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
