"""The offers subscriber on a router, with its two declared publishers (results, dead letters).

The handler is a plain module-level function: it takes the raw records of a micro-batch and the
running :class:`~streams.kafka.processor.BatchProcessor` from FastStream's context (put there by
the app's lifespan), so the route can be declared, documented and tested without a model.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from dataclasses import dataclass
from typing import Annotated, Any

from faststream import AckPolicy, Context
from faststream.kafka import KafkaMessage, KafkaRoute, KafkaRouter
from faststream.kafka.publisher.usecase import BatchPublisher, DefaultPublisher

from matcher.batch import Output
from matcher.events import DeadLetter, MatchResult, Offer
from streams.kafka.processor import BatchProcessor
from streams.settings import Settings

PROCESSOR = "processor"  # context keys: the running BatchProcessor, and the Matcher it runs
MATCHER = "matcher"


def _raw_records(msg: Any) -> Any:
    """No decoding by FastStream: the batch path validates each record itself (bad ones → DLQ)."""
    return None


async def on_offers(
    offers: list[Offer] | None,
    msg: KafkaMessage,
    processor: Annotated[BatchProcessor, Context(PROCESSOR)],
) -> None:
    """One micro-batch of raw offers → results and dead letters, committed after their acks."""
    # ``offers`` only documents the input schema: nothing is decoded here (it is None);
    # the batch path validates each raw record itself, so a bad one cannot fail the batch.
    raw = msg.raw_message
    records = raw if isinstance(raw, (tuple, list)) else (raw,)
    await processor.handle(records, msg.consumer)  # type: ignore[arg-type]


@dataclass
class OffersRouter:
    """The router and the publishers its batches write to."""

    router: KafkaRouter
    results: DefaultPublisher | BatchPublisher
    dead_letters: DefaultPublisher | BatchPublisher
    reviews: DefaultPublisher | BatchPublisher

    async def send(self, output: Output) -> Awaitable[Any] | None:
        """Hand one output to the producer; the future resolves once the broker has it (an
        unsure result goes to the review topic too, and counts once both have it)."""
        publisher = self.results if output.kind == "result" else self.dead_letters
        fut: Awaitable[Any] | None = await publisher.publish(
            output.value, key=output.key, no_confirm=True
        )
        if output.decision != "review":
            return fut
        also: Awaitable[Any] | None = await self.reviews.publish(
            output.value, key=output.key, no_confirm=True
        )
        waits = [f for f in (fut, also) if f is not None]
        return asyncio.gather(*waits) if waits else None


def offers_router(cfg: Settings, headers: dict[str, str]) -> OffersRouter:
    """The subscriber and publishers for the topics ``cfg`` names."""
    route = KafkaRoute(
        on_offers,
        cfg.input_topic,
        batch=True,
        max_records=cfg.batch_size,
        batch_timeout_ms=cfg.batch_timeout_ms,
        group_id=cfg.group_id,
        auto_offset_reset="earliest",
        ack_policy=AckPolicy.MANUAL,
        decoder=_raw_records,
        title=cfg.input_topic,
        description="supplier offers (JSON, key = offer_id), matched in micro-batches",
    )
    router = KafkaRouter(handlers=[route])
    results = router.publisher(
        cfg.output_topic,
        title=cfg.output_topic,
        description="one match / no-match result per offer, key = offer_id",
        schema=MatchResult,
        headers=headers,
    )
    dead_letters = router.publisher(
        cfg.dlq_topic,
        title=cfg.dlq_topic,
        description="offers that could not be matched as sent, with the reason",
        schema=DeadLetter,
        headers=headers,
    )
    reviews = router.publisher(
        cfg.review_topic,
        title=cfg.review_topic,
        description="unsure results (decision review), waiting for a person on the review page",
        schema=MatchResult,
        headers=headers,
    )
    return OffersRouter(router, results, dead_letters, reviews)
