"""Prometheus metrics of one consumer process (served at ``/metrics``).

Counters and histograms are updated by the batch processor and the pipeline's stage timer;
gauges that describe state (catalog, readiness, cache) are read when Prometheus scrapes.
FastStream's own Kafka middleware adds per-message counters under ``faststream_*``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

SECONDS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30)


class Metrics:
    """Every metric the matcher exports, on one registry."""

    def __init__(self, registry: CollectorRegistry | None = None) -> None:
        self.registry = registry or CollectorRegistry()
        r = self.registry
        self.offers = Counter("matcher_offers", "offers consumed (valid or not)", registry=r)
        self.results = Counter(
            "matcher_results", "results published", ["decision", "reason"], registry=r
        )
        self.dead_letters = Counter(
            "matcher_dead_letters", "events dead-lettered", ["error_class"], registry=r
        )
        self.retries = Counter(
            "matcher_batch_retries",
            "batches rewound for redelivery (infrastructure faults)",
            ["error"],
            registry=r,
        )
        self.revoked = Counter(
            "matcher_batches_revoked", "batches whose partitions moved mid-batch", registry=r
        )
        self.batch_size = Histogram(
            "matcher_batch_size",
            "records in a micro-batch",
            buckets=(1, 8, 32, 64, 128, 256, 512, 1024),
            registry=r,
        )
        self.batch_seconds = Histogram(
            "matcher_batch_seconds", "a batch from fetch to commit", buckets=SECONDS, registry=r
        )
        self.stage_seconds = Histogram(
            "matcher_stage_seconds",
            "time per stage of a batch (normalize, encode, search, decide, publish, commit)",
            ["stage"],
            buckets=SECONDS,
            registry=r,
        )
        self.lag = Gauge(
            "matcher_consumer_lag",
            "records behind the high watermark, per assigned partition",
            ["topic", "partition"],
            registry=r,
        )
        self.catalog_version = Gauge(
            "matcher_catalog_version", "catalog version in use", registry=r
        )
        self.catalog_items = Gauge("matcher_catalog_items", "live catalog items", registry=r)
        self.catalog_age = Gauge(
            "matcher_catalog_refresh_age_seconds",
            "since the catalog was last refreshed",
            registry=r,
        )
        self.ready = Gauge("matcher_ready", "1 when /readyz says ready", registry=r)
        self.paused = Gauge("matcher_paused", "1 while matching is paused by a fault", registry=r)
        self.cache = Counter(
            "matcher_vector_cache", "vector cache lookups", ["outcome"], registry=r
        )

    def stage(self, name: str, seconds: float) -> None:
        self.stage_seconds.labels(name).observe(seconds)

    def read_on_scrape(self, gauges: Iterable[tuple[Gauge, Callable[[], float]]]) -> None:
        """Gauges whose value is read from the process state when Prometheus scrapes."""
        for gauge, read in gauges:
            gauge.set_function(read)
