"""The composition root: settings → the objects a process matches with, built in one place.

``matcher run`` (the consumer), ``matcher match``, ``matcher catalog``, ``matcher eval``,
``matcher train``, the demo, the bench and the tests all build their encoder, store, profile
choice and decision here, so they run the same model, catalog namespace and decision. The
settings are the only defaults: the library takes every value as an argument.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from matcher import profiles
from matcher.batch import BatchMatcher
from matcher.catalog import CatalogItem, LiveCatalog, RedisCatalog, read_catalog
from matcher.catalog.ingest import LoadReport, build_index, load
from matcher.catalog.store import Head
from matcher.decision import DecisionConfig
from matcher.decision.config import packaged, read_decision, read_meta
from matcher.decision.second_stage import Reranker
from matcher.encoding import CachedEncoder, Encoder, load_encoder
from matcher.pipeline import Decisions, MatchPipeline
from matcher.profiles import Profile
from matcher.review import RedisAnswers
from matcher.validation import Limits
from streams.security import redis_client
from streams.settings import THRESHOLD_ONLY, Settings


@dataclass
class Matcher:
    """Everything one process matches with; the catalog comes from Redis or from a file."""

    encoder: Encoder
    decisions: Decisions
    pipeline: MatchPipeline
    batch: BatchMatcher
    catalog: LiveCatalog | None = None  # None: the catalog came from a file

    @property
    def store(self) -> RedisCatalog:
        if self.catalog is None:
            raise RuntimeError("this matcher reads its catalog from a file, not Redis")
        return self.catalog.store


def build_encoder(settings: Settings) -> Encoder:
    """The model on the configured backend, behind the vector cache (shared in Redis, under the
    model's namespace, when ``MATCHER_SHARED_VECTOR_CACHE``)."""
    inner = load_encoder(
        settings.model,
        backend=settings.backend,
        batch_size=settings.encode_batch_size,
        device=settings.device,
        cache_dir=settings.cache_dir,
    )
    if settings.vector_cache_size <= 0:
        return inner
    shared = redis_client(settings) if settings.shared_vector_cache else None
    key = RedisCatalog.namespace(settings.redis_prefix, inner.fingerprint) + ":vcache"
    return CachedEncoder(inner, settings.vector_cache_size, shared, key if shared else "")


def build_store(settings: Settings, encoder: Encoder) -> RedisCatalog:
    """The catalog in Redis for this model (namespaced by its fingerprint)."""
    return RedisCatalog(
        redis_client(settings), settings.redis_prefix, encoder.fingerprint, encoder.dim
    )


def saved_decision(encoder: Encoder, settings: Settings | None = None) -> DecisionConfig:
    """The decision file ``MATCHER_DECISION`` names, else the one saved with the model (the
    profiles' defaults when it has none); ``threshold``: the model's without its learned part."""
    if settings is not None and settings.decision == THRESHOLD_ONLY:
        return replace(DecisionConfig.load(encoder.path), classifier=None)
    if settings is not None and settings.decision:
        return read_decision(settings.decision)
    return DecisionConfig.load(encoder.path)


def model_name(encoder: Encoder) -> str:
    """The model's name, as its fingerprint starts (``multilingual-e5-small``)."""
    found = re.match(r"^(.*)-[0-9a-f]{12}(?:-onnx(?:-int8)?)?$", encoder.fingerprint)
    return found.group(1) if found else encoder.fingerprint


def dense_floor(encoder: Encoder) -> float:
    """The model's cosine floor, recorded with it (0 for a model that records none)."""
    meta = read_meta(encoder.path).get("encoder") or {}
    return float(meta.get("dense_floor", 0.0))


def decisions(settings: Settings, encoder: Encoder, **overrides: Any) -> Decisions:
    """The decision per profile: the model's, with the settings' (then ``overrides``') fields
    on top. The one place a :class:`DecisionConfig` is put together."""
    fields = {
        "threshold": settings.threshold,
        "lexical_weight": settings.lexical_weight,
        "guards": None if settings.guards else (),
        "reranker": settings.reranker,
        "review_band": settings.review_band,
    } | overrides
    saved = saved_decision(encoder, settings).with_overrides(reranker=fields.pop("reranker"))
    reranker = Reranker(saved.reranker, settings.device) if saved.reranker else None
    return Decisions(
        saved,
        {k: v for k, v in fields.items() if v is not None},
        reranker,
        settings.top_k,
        dense_floor(encoder),
        {} if settings.decision == THRESHOLD_ONLY else packaged(model_name(encoder)),
    )


def explicit_profile(settings: Settings, encoder: Encoder) -> tuple[Profile, str] | None:
    """The profile the deployment or the model names, if any: ``MATCHER_PROFILE`` (not
    ``auto``), else the profile a model was trained to read; with why."""
    if settings.profile != profiles.AUTO:
        return profiles.get(settings.profile), "set by MATCHER_PROFILE"
    training = read_meta(encoder.path).get("training") or {}
    trained = (training.get("config") or {}).get("profile")
    if trained:  # `matcher train --profile P`: the model learned P's text
        return profiles.get(str(trained)), f"the model {Path(encoder.path).name} was trained on it"
    return None


def choose_profile(
    settings: Settings,
    encoder: Encoder,
    items: Sequence[CatalogItem],
    head: Head | None = None,
    replace: bool = False,
) -> tuple[Profile, str]:
    """The profile a catalog is read with: an explicit one always wins; else a partial load
    keeps the stored catalog's; else it is detected from the items (``auto``)."""
    named = explicit_profile(settings, encoder)
    if named is not None:
        return named
    if head is not None and head.profile is not None and not replace:
        return profiles.get(head.profile), head.profile_choice or "the stored catalog's"
    found = profiles.detect(
        [(it.title, it.attributes) for it in items], settings.auto_profile_min_share
    )
    return found.profile, found.describe()


def load_catalog(
    settings: Settings,
    encoder: Encoder,
    items: Sequence[CatalogItem],
    store: RedisCatalog | None = None,
    replace: bool = False,
    force: bool = False,
    progress: bool = True,
) -> LoadReport:
    """``matcher catalog load``: items into Redis, read by the profile chosen for them."""
    store = store or build_store(settings, encoder)
    profile, choice = choose_profile(settings, encoder, items, store.head(), replace)
    return load(
        items,
        encoder,
        store,
        profile,
        choice,
        replace=replace,
        progress=progress,
        force=force,
        ann_min_items=settings.ann_min_items,
    )


def build_matcher(
    settings: Settings,
    encoder: Encoder | None = None,
    catalog_file: str | Path | None = None,
) -> Matcher:
    """The matcher for ``settings``: its catalog is the Redis one, or ``catalog_file`` embedded
    in memory (offline use, no Redis; its profile chosen as a load would choose it)."""
    enc = encoder or build_encoder(settings)
    enc.load()  # before the first batch: a consumer is ready when it can match at full speed
    made = decisions(settings, enc)
    live = None
    if catalog_file is not None:
        items = read_catalog(catalog_file)
        profile, choice = choose_profile(settings, enc, items)
        index = build_index(items, enc, profile, choice, progress=False)
        pipeline = MatchPipeline(enc, lambda: index, made)
    else:
        live = live_catalog(settings, enc)
        pipeline = MatchPipeline(enc, live.current, made, build_answers(settings, enc))
    batch = BatchMatcher(pipeline, limits(settings))
    return Matcher(enc, made, pipeline, batch, live)


def build_answers(settings: Settings, encoder: Encoder) -> RedisAnswers:
    """The review queue and people's answers, under the model's catalog namespace."""
    ns = RedisCatalog.namespace(settings.redis_prefix, encoder.fingerprint)
    return RedisAnswers(redis_client(settings), ns)


def live_catalog(settings: Settings, encoder: Encoder) -> LiveCatalog:
    """A consumer's view of the model's catalog in Redis (read by the profile it records)."""
    named = explicit_profile(settings, encoder)
    return LiveCatalog(
        build_store(settings, encoder),
        profiles.get,
        refresh_s=settings.catalog_refresh_s,
        max_staleness_s=settings.catalog_max_staleness_s,
        allow_empty=settings.allow_empty_catalog,
        prefer=named[0].name if named else None,
    )


def limits(settings: Settings) -> Limits:
    return Limits(
        max_event_bytes=settings.max_event_bytes,
        max_title_chars=settings.max_title_chars,
        max_field_chars=settings.max_field_chars,
        max_attributes=settings.max_attributes,
        max_depth=settings.max_depth,
    )
