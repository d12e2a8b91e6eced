"""The FastStream application: the offers router on a broker, a lifespan that builds what it
matches with, and (with ``MATCHER_HTTP_PORT``) an ASGI app with probes, metrics and AsyncAPI.

``faststream run streams.main:app --workers N`` and N ``matcher run`` processes both join the
same group (``MATCHER_GROUP_ID``) and split the input topic's partitions. The model and the
catalog connection are built in the lifespan (not at import), then handed to the handler through
FastStream's context. Starting and stopping is :mod:`streams.ops.runner`'s business.
"""

from __future__ import annotations

import contextlib
import logging
import os
import socket
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

from faststream import ContextRepo, FastStream
from faststream.asgi import AsgiFastStream
from faststream.kafka import KafkaBroker
from faststream.kafka.prometheus import KafkaPrometheusMiddleware
from faststream.specification import AsyncAPI

from matcher import __version__
from streams.components import Matcher, build_matcher
from streams.kafka.processor import BatchProcessor
from streams.kafka.router import MATCHER, PROCESSOR, offers_router
from streams.kafka.topics import ensure_topics
from streams.ops.health import Backoff
from streams.ops.http import routes as http_routes
from streams.ops.metrics import Metrics
from streams.security import kafka_security
from streams.settings import Settings, get_settings

log = logging.getLogger("offer-matcher")


@dataclass
class MatcherApp:
    """The FastStream app with the parts a caller may want to watch."""

    app: FastStream | AsgiFastStream
    broker: KafkaBroker
    settings: Settings
    metrics: Metrics

    @property
    def http(self) -> bool:
        """Whether the app serves HTTP (probes, metrics, AsyncAPI)."""
        return isinstance(self.app, AsgiFastStream)

    @property
    def processor(self) -> BatchProcessor:
        """The running batch processor (exists once start-up has finished)."""
        processor = self.app.context.get(PROCESSOR)
        if processor is None:
            raise RuntimeError("the matcher has not started")
        return processor

    @property
    def matcher(self) -> Matcher | None:
        """What the app matches with (None before start-up)."""
        built: Matcher | None = self.app.context.get(MATCHER)
        return built


def build_app(
    settings: Settings | None = None, matcher: Matcher | None = None, http: bool | None = None
) -> MatcherApp:
    """The app for ``settings``; ``matcher`` (model + Redis catalog) is built at start-up if None.

    With ``http`` (default: ``MATCHER_HTTP_PORT`` is not 0) it is an ASGI app that also serves
    ``/healthz``, ``/readyz``, ``/metrics`` and the AsyncAPI document at ``/docs``.
    """
    cfg = settings or get_settings()
    metrics = Metrics()
    broker = KafkaBroker(
        cfg.kafka_bootstrap,
        graceful_timeout=cfg.graceful_timeout_s,
        acks="all",  # a result counts as published once every in-sync replica has it
        security=kafka_security(cfg),
        logger=log,  # one format for every line (JSON with MATCHER_LOG_FORMAT=json)
        middlewares=[
            KafkaPrometheusMiddleware(registry=metrics.registry, app_name="offer-matcher")
        ],
    )
    # Which process produced an event: for operators, and for tests of partition sharing.
    headers = {"content-type": "application/json", "matcher-instance": instance_id()}
    offers = offers_router(cfg, headers)
    broker.include_router(offers.router)
    spec = AsyncAPI(
        title="offer-matcher",
        version=__version__,
        description="Supplier offers in, match / no-match results and dead letters out.",
    )
    context = ContextRepo()

    @contextlib.asynccontextmanager
    async def lifespan() -> AsyncIterator[None]:
        """Build the matcher and its processor before the broker starts; let the catalog
        follower go after the broker has stopped."""
        try:
            await ensure_topics(cfg)
        except Exception as exc:  # clusters that forbid clients to create topics: use theirs
            log.warning("could not ensure topics (%s); assuming they exist", exc)
        built = matcher or build_matcher(cfg)
        built.pipeline.observers.append(metrics.stage)
        if built.catalog is not None:
            built.catalog.start()  # hydrate and follow the catalog in the background
        catalog = built.catalog
        processor = BatchProcessor(
            built.batch,
            offers.send,
            Backoff(cfg.retry_backoff_s, cfg.retry_backoff_max_s),
            ready=(lambda: catalog.status().ready) if catalog is not None else (lambda: True),
            metrics=metrics,
        )
        context.set_global(MATCHER, built)
        context.set_global(PROCESSOR, processor)
        metrics.watch(built, processor)
        log.info("matching with model %s", built.encoder.fingerprint)
        try:
            yield
        finally:
            if catalog is not None:
                catalog.stop()

    app: FastStream | AsgiFastStream
    if cfg.http_port != 0 if http is None else http:

        def state() -> tuple[Any, Any]:
            processor, built = context.get(PROCESSOR), context.get(MATCHER)
            catalog = built.catalog.status() if built is not None and built.catalog else None
            return processor, catalog

        app = AsgiFastStream(
            broker,
            asgi_routes=http_routes(broker, state, metrics),
            asyncapi_path="/docs",
            logger=log,
            context=context,
            lifespan=lifespan,
            specification=spec,
        )
    else:
        app = FastStream(broker, logger=log, context=context, lifespan=lifespan, specification=spec)

    @app.on_shutdown
    async def finish() -> None:
        """Before the broker stops: the batch in flight is committed, none is left half done."""
        processor = context.get(PROCESSOR)
        if processor is not None:
            await processor.close()

    return MatcherApp(app, broker, cfg, metrics)


def instance_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"
