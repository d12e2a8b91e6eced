"""Credentials and TLS for Kafka and Redis, from the settings.

Secrets are ``SecretStr`` in the settings: they print as ``**********`` and are unwrapped only
here, where a client is built, so no log line can carry one.
"""

from __future__ import annotations

import ssl
from typing import Any

import redis
from faststream.kafka.security import parse_security
from faststream.security import BaseSecurity, SASLPlaintext, SASLScram256, SASLScram512

from streams.settings import Settings


def kafka_ssl_context(settings: Settings) -> ssl.SSLContext | None:
    """A client TLS context when the protocol uses TLS (CA, and a client certificate if given)."""
    if settings.kafka_security_protocol not in ("SSL", "SASL_SSL"):
        return None
    context = ssl.create_default_context(cafile=settings.kafka_ssl_cafile)
    if settings.kafka_ssl_certfile:
        password = settings.kafka_ssl_key_password
        context.load_cert_chain(
            settings.kafka_ssl_certfile,
            settings.kafka_ssl_keyfile,
            password.get_secret_value() if password else None,
        )
    return context


def kafka_security(settings: Settings) -> BaseSecurity | None:
    """FastStream's security object for the broker (None: plaintext)."""
    protocol = settings.kafka_security_protocol
    context = kafka_ssl_context(settings)
    if protocol == "PLAINTEXT":
        return None
    if protocol == "SSL":
        return BaseSecurity(ssl_context=context, use_ssl=True)
    if settings.kafka_sasl_username is None or settings.kafka_sasl_password is None:
        raise ValueError(f"{protocol} needs MATCHER_KAFKA_SASL_USERNAME and _PASSWORD")
    sasl = {"PLAIN": SASLPlaintext, "SCRAM-SHA-256": SASLScram256, "SCRAM-SHA-512": SASLScram512}
    return sasl[settings.kafka_sasl_mechanism](
        settings.kafka_sasl_username,
        settings.kafka_sasl_password.get_secret_value(),
        ssl_context=context,
        use_ssl=protocol == "SASL_SSL",
    )


def kafka_client_options(settings: Settings) -> dict[str, Any]:
    """The same security as keyword arguments of aiokafka's clients (admin, test producers)."""
    options = parse_security(kafka_security(settings))
    return {k: v for k, v in options.items() if v is not None}


def redis_client(settings: Settings) -> redis.Redis:
    """A Redis client with the configured ACL user, password and TLS CA."""
    options: dict[str, Any] = {}
    if settings.redis_username:
        options["username"] = settings.redis_username
    if settings.redis_password is not None:
        options["password"] = settings.redis_password.get_secret_value()
    if settings.redis_url.startswith("rediss://") and settings.redis_ssl_ca_file:
        options["ssl_ca_certs"] = settings.redis_ssl_ca_file
    return redis.Redis.from_url(
        settings.redis_url, socket_timeout=5, socket_connect_timeout=5, **options
    )
