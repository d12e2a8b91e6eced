"""The consumer's HTTP endpoint: ``/healthz``, ``/readyz``, ``/metrics`` (``/docs`` is FastStream's
AsyncAPI page, added by :mod:`streams.kafka.app`).

Ready means: start-up finished, the broker answers, the catalog for this model is loaded and
fresh, and matching is not paused by a fault. Kubernetes routes no traffic to (and KEDA does not
count on) a consumer that is not ready; liveness only says the process answers.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from faststream.asgi import AsgiResponse, get
from faststream.asgi.response import JSONResponse
from faststream.kafka import KafkaBroker
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from streams.ops.metrics import Metrics

# (processor, catalog status) of the running app; (None, None) before start-up finished.
State = Callable[[], tuple[Any, Any]]


def readiness(broker_ok: bool, processor: Any, catalog: Any) -> dict[str, Any]:
    """The checks behind ``/readyz`` (and the ``matcher_ready`` gauge)."""
    checks = {
        "started": processor is not None,
        "kafka": broker_ok,
        "catalog": catalog is None or bool(catalog.ready),
        "not_paused": processor is not None and not processor.health.paused,
    }
    detail: dict[str, Any] = {}
    if processor is not None and processor.health.paused:
        detail["paused_reason"] = processor.health.paused_reason
    if catalog is not None:
        detail["catalog_version"] = catalog.version
        detail["catalog_items"] = catalog.items
        if catalog.error:
            detail["catalog_error"] = catalog.error
    return {"ready": all(checks.values()), "checks": checks, **detail}


def routes(broker: KafkaBroker, state: State, metrics: Metrics) -> list[tuple[str, Any]]:
    started = time.monotonic()

    @get(description="liveness: the process answers")
    async def healthz(scope: Any) -> AsgiResponse:
        return JSONResponse({"alive": True, "uptime_s": round(time.monotonic() - started, 1)})

    @get(description="readiness: connected, catalog loaded and fresh, not paused")
    async def readyz(scope: Any) -> AsgiResponse:
        processor, catalog = state()
        broker_ok = processor is not None and await broker.ping(timeout=2.0)
        report = readiness(broker_ok, processor, catalog)
        metrics.ready.set(1 if report["ready"] else 0)
        return JSONResponse(report, 200 if report["ready"] else 503)

    @get(description="Prometheus metrics")
    async def prometheus(scope: Any) -> AsgiResponse:
        return AsgiResponse(
            generate_latest(metrics.registry), 200, {"Content-Type": CONTENT_TYPE_LATEST}
        )

    return [("/healthz", healthz), ("/readyz", readyz), ("/metrics", prometheus)]
