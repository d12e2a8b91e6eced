"""What a consumer process holds: the encoder, the Redis catalog cache and the pipeline."""

from __future__ import annotations

from dataclasses import dataclass

import redis

from matcher.catalog import CatalogCache, RedisCatalog
from matcher.decision import DecisionPolicy
from matcher.encoder import Encoder
from matcher.pipeline import MatchPipeline
from matcher.rerank import Reranker
from matcher.settings import FALLBACK_THRESHOLD, Settings


@dataclass
class MatchService:
    """Built once per process at start-up; the catalog is read from Redis, never re-embedded."""

    encoder: Encoder
    store: RedisCatalog
    pipeline: MatchPipeline

    @classmethod
    def from_settings(cls, cfg: Settings, encoder: Encoder | None = None) -> MatchService:
        enc = encoder or Encoder(cfg.model, device=cfg.device, batch_size=cfg.batch_size)
        store = RedisCatalog(
            redis.Redis.from_url(cfg.redis_url), cfg.redis_prefix, enc.fingerprint, enc.dim
        )
        cache = CatalogCache(store)
        policy = DecisionPolicy(threshold_for(cfg, enc), guards=cfg.guards)
        reranker = Reranker(cfg.reranker, device=cfg.device) if cfg.reranker else None
        return cls(enc, store, MatchPipeline(enc, cache.current, policy, cfg.top_k, reranker))

    def catalog_version(self) -> int:
        return self.store.version()


def threshold_for(cfg: Settings, encoder: Encoder) -> float:
    """``MATCHER_THRESHOLD`` if set, else the model's calibrated threshold, else the fallback."""
    if cfg.threshold is not None:
        return cfg.threshold
    calibrated = encoder.calibrated_threshold
    return calibrated if calibrated is not None else FALLBACK_THRESHOLD
