"""Prometheus metrics of one consumer process (served at ``/metrics``).

Counters and histograms are updated by the batch processor and the pipeline's stage timer;
gauges that describe state (catalog, readiness, cache) are read when Prometheus scrapes.
FastStream's own Kafka middleware adds per-message counters under ``faststream_*``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram
from prometheus_client.core import CounterMetricFamily
from prometheus_client.registry import Collector

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
            "records in a committed micro-batch",
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
        self.aliases = Counter(
            "matcher_aliases_served",
            "offers decided from a person's earlier answer about their line (no model call)",
            registry=r,
        )
        self.review_queue = Gauge(
            "matcher_review_queue", "offers waiting for a person on the review page", registry=r
        )
        self.paused = Gauge("matcher_paused", "1 while matching is paused by a fault", registry=r)

    def read(self, name: str, **labels: str) -> float:
        """One sample's current value (0 when it was never set): for the demo, bench and tests,
        which read the same numbers Prometheus scrapes."""
        value = self.registry.get_sample_value(name, labels or None)
        return float(value) if value is not None else 0.0

    def total(self, name: str) -> float:
        """The sum of a labelled counter over all its labels (``matcher_dead_letters_total``)."""
        return sum(
            s.value for metric in self.registry.collect() for s in metric.samples if s.name == name
        )

    @property
    def batches(self) -> int:
        """Micro-batches committed."""
        return int(self.read("matcher_batch_size_count"))

    @property
    def mean_batch(self) -> float:
        """Mean records per committed micro-batch."""
        n = self.read("matcher_batch_size_count")
        return self.read("matcher_batch_size_sum") / n if n else 0.0

    def stage(self, name: str, seconds: float) -> None:
        self.stage_seconds.labels(name).observe(seconds)

    def read_on_scrape(self, gauges: Iterable[tuple[Gauge, Callable[[], float]]]) -> None:
        """Gauges whose value is read from the process state when Prometheus scrapes."""
        for gauge, read in gauges:
            gauge.set_function(read)

    def watch(self, matcher: Any, processor: Any) -> None:
        """Read the running process's state at scrape time: catalog, pause, vector cache."""
        gauges: list[tuple[Gauge, Callable[[], float]]] = [
            (self.paused, lambda: 1.0 if processor.health.paused else 0.0)
        ]
        catalog = matcher.catalog
        if catalog is not None:
            status = catalog.status
            gauges += [
                (self.catalog_version, lambda: float(status().version)),
                (self.catalog_items, lambda: float(status().items)),
                (self.catalog_age, lambda: status().seconds_since_refresh or 0.0),
            ]
        answers = getattr(matcher.pipeline, "answers", None)
        if answers is not None:
            gauges.append((self.review_queue, lambda: _or_nan(answers.depth)))
        self.read_on_scrape(gauges)
        if hasattr(matcher.encoder, "hits"):
            self.registry.register(_CacheCollector(matcher.encoder))


def _or_nan(read: Callable[[], float]) -> float:
    """A value read from Redis at scrape time; NaN when Redis does not answer."""
    try:
        return float(read())
    except Exception:
        return float("nan")


class _CacheCollector(Collector):
    """``matcher_vector_cache_total{outcome}``: the vector cache's own counts, read on scrape."""

    def __init__(self, encoder: Any) -> None:
        self.encoder = encoder

    def collect(self) -> Iterator[CounterMetricFamily]:
        family = CounterMetricFamily(
            "matcher_vector_cache", "vector cache lookups", labels=["outcome"]
        )
        family.add_metric(["hit"], float(self.encoder.hits))
        family.add_metric(["miss"], float(self.encoder.misses))
        yield family
