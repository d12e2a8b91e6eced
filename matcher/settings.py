"""All configuration, from ``MATCHER_*`` environment variables; the defaults live here and only here."""

from __future__ import annotations

from functools import lru_cache

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_MODEL = "all-MiniLM-L6-v2"


class Settings(BaseSettings):
    """One settings object for the service, the CLI and the demo."""

    model_config = SettingsConfigDict(env_prefix="MATCHER_", extra="ignore")

    kafka_bootstrap: str = Field("127.0.0.1:9092", description="Kafka bootstrap servers")
    redis_url: str = Field("redis://127.0.0.1:6379/0", description="Redis holding the catalog")
    input_topic: str = Field("offers", description="topic of supplier-offer events")
    output_topic: str = Field("matches", description="topic of match / no-match results")
    dlq_topic: str = Field("offers.dlq", description="dead-letter topic for malformed offers")
    group_id: str = Field("offer-matcher", description="consumer group of all matcher processes")
    model: str = Field(
        DEFAULT_MODEL,
        description="sentence-transformers folder or hub id; all-MiniLM-L6-v2 is served offline "
        "from its PyPI package",
    )
    device: str | None = Field(None, description="torch device (cpu, cuda); unset = automatic")
    batch_size: int = Field(64, ge=1, description="most offers in one micro-batch")
    batch_timeout_ms: int = Field(200, ge=1, description="longest wait to fill a micro-batch")
    threshold: float | None = Field(
        None,
        description="cosine at or above which the best compatible candidate is a match; unset = "
        "the threshold calibrated with the model, else 0.80",
    )
    top_k: int = Field(5, ge=1, description="candidates returned with each result")
    guards: bool = Field(
        True, description="reject candidates whose RAM, ROM, colour or model number conflicts"
    )
    reranker: str | None = Field(
        None, description="cross-encoder folder for the unsure cosine band; unset = none"
    )
    max_title_chars: int = Field(512, ge=1, description="longer titles go to the dead-letter topic")
    redis_prefix: str = Field("matcher", description="key prefix of the catalog in Redis")
    partitions: int = Field(4, ge=1, description="partitions of topics the matcher creates")
    graceful_timeout_s: float = Field(30.0, description="wait for the in-flight batch on SIGTERM")
    retry_backoff_s: float = Field(1.0, description="pause before a failed batch is redelivered")


FALLBACK_THRESHOLD = 0.80


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read from the environment once."""
    return Settings()
