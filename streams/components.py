"""The composition root: settings → the objects a process matches with, built in one place.

``matcher run`` (the consumer), ``matcher match``, ``matcher catalog``, the demo and the tests
all build their matcher here, so they run the same model, catalog namespace and decision.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from matcher.batch import BatchMatcher
from matcher.catalog import LiveCatalog, RedisCatalog, read_catalog
from matcher.catalog.ingest import build_index
from matcher.decision import Decider, DecisionConfig
from matcher.decision.second_stage import Reranker
from matcher.encoding import Encoder, load_encoder, namespace
from matcher.normalize import Profile, get_profile
from matcher.pipeline import MatchPipeline
from matcher.validation import Limits
from streams.security import redis_client
from streams.settings import Settings


@dataclass
class Matcher:
    """Everything one process matches with; the catalog comes from Redis or from a file."""

    encoder: Encoder
    decider: Decider
    pipeline: MatchPipeline
    batch: BatchMatcher
    catalog: LiveCatalog | None = None  # None: the catalog came from a file

    @property
    def store(self) -> RedisCatalog:
        if self.catalog is None:
            raise RuntimeError("this matcher reads its catalog from a file, not Redis")
        return self.catalog.store


def build_encoder(settings: Settings) -> Encoder:
    """The model on the configured backend, behind the vector cache."""
    return load_encoder(
        settings.model,
        backend=settings.backend,
        device=settings.device,
        batch_size=settings.encode_batch_size,
        cache_dir=settings.cache_dir,
        cache_size=settings.vector_cache_size,
        shared_cache=redis_client(settings) if settings.shared_vector_cache else None,
    )


def decision_config(settings: Settings, encoder: Encoder) -> DecisionConfig:
    """The config saved with the model, with what the settings override."""
    return DecisionConfig.load(encoder.path).with_overrides(
        threshold=settings.threshold,
        lexical_weight=settings.lexical_weight,
        profile=settings.profile,
        reranker=settings.reranker,
        guards=None if settings.guards else (),
    )


def build_matcher(
    settings: Settings,
    encoder: Encoder | None = None,
    catalog_file: str | Path | None = None,
    observe: Callable[[str, float], None] | None = None,
) -> Matcher:
    """The matcher for ``settings``: its catalog is the Redis one, or ``catalog_file`` embedded
    in memory (offline use, no Redis)."""
    enc = encoder or build_encoder(settings)
    config = decision_config(settings, enc)
    reranker = Reranker(config.reranker, device=settings.device) if config.reranker else None
    decider = Decider(config, reranker, top_k=settings.top_k)
    live = None
    if catalog_file is not None:
        index = build_index(read_catalog(catalog_file), enc, get_profile(config.profile))
        pipeline = MatchPipeline(enc, lambda: index, decider, observe)
    else:
        live = LiveCatalog(
            build_store(settings, enc, config.profile),
            refresh_s=settings.catalog_refresh_s,
            max_staleness_s=settings.catalog_max_staleness_s,
            allow_empty=settings.allow_empty_catalog,
        )
        pipeline = MatchPipeline(enc, live.current, decider, observe)
    batch = BatchMatcher(pipeline, limits(settings))
    return Matcher(enc, decider, pipeline, batch, live)


def build_store(settings: Settings, encoder: Encoder, profile: str | None = None) -> RedisCatalog:
    """The catalog in Redis for this model, backend and profile (default: the configured one)."""
    tag = get_profile(profile or decision_config(settings, encoder).profile).tag
    return RedisCatalog(
        redis_client(settings),
        settings.redis_prefix,
        namespace(encoder.fingerprint, tag),
        encoder.dim,
    )


def profile_of(settings: Settings, encoder: Encoder) -> Profile:
    """The profile this deployment reads listings with."""
    return get_profile(decision_config(settings, encoder).profile)


def limits(settings: Settings) -> Limits:
    return Limits(
        max_event_bytes=settings.max_event_bytes,
        max_title_chars=settings.max_title_chars,
        max_field_chars=settings.max_field_chars,
        max_attributes=settings.max_attributes,
        max_depth=settings.max_depth,
    )
