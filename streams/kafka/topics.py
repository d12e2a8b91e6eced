"""Create the matcher's topics with enough partitions for a consumer group to spread over."""

from __future__ import annotations

import asyncio
import logging

from aiokafka.admin import AIOKafkaAdminClient, NewTopic

from streams.security import kafka_client_options
from streams.settings import Settings

log = logging.getLogger(__name__)

TOPIC_EXISTS = 36


async def ensure_topics(settings: Settings, timeout_s: float = 30.0) -> None:
    """Create input, output, dead-letter and review topics if missing (existing ones are left
    alone)."""
    admin = AIOKafkaAdminClient(
        bootstrap_servers=settings.kafka_bootstrap, **kafka_client_options(settings)
    )
    deadline = asyncio.get_running_loop().time() + timeout_s
    while True:
        try:
            await admin.start()
            break
        except Exception:
            if asyncio.get_running_loop().time() > deadline:
                raise
            await asyncio.sleep(0.2)
    try:
        existing = set(await admin.list_topics())
        wanted = [
            settings.input_topic,
            settings.output_topic,
            settings.dlq_topic,
            settings.review_topic,
        ]
        new = [
            NewTopic(t, settings.partitions, settings.replication_factor)
            for t in wanted
            if t not in existing
        ]
        if new:
            response = await admin.create_topics(new)
            for topic, code, message in response.topic_errors:
                if code not in (0, TOPIC_EXISTS):
                    raise RuntimeError(f"cannot create topic {topic}: {code} {message}")
            log.info("created topics %s", [t.name for t in new])
    finally:
        await admin.close()
