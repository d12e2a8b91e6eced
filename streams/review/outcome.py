"""An answer's outcome: the corrected result of every offer it settles, on the output topic.

The result keeps the offer's key (``offer_id``), so consumers of results see the person's decision
replace the unsure one: ``decided_by: person``, the reviewer, the time.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from matcher.events import Candidate, MatchResult
from matcher.review import Answer, ReviewItem


def corrected(item: ReviewItem, answer: Answer, catalog_version: int) -> MatchResult:
    """The result a person decided for ``item``."""
    matched = answer.matched
    scores = {c.catalog_id: c.score for c in item.candidates}
    action = {"confirm": "match", "pick": "match", "reject": "no_match", "none": "no_match"}
    return MatchResult(
        offer_id=item.offer_id,
        supplier_id=item.supplier_id or None,
        decision="match" if matched else "no_match",
        catalog_id=matched,
        score=scores.get(matched) if matched else None,
        candidates=[Candidate(catalog_id=c.catalog_id, score=c.score) for c in item.candidates],
        reason=f"{action[answer.action]}:person:{answer.action}",
        normalized=item.normalized,
        model=item.model,
        catalog_version=catalog_version,
        processed_at=datetime.fromisoformat(answer.at),
        decided_by="person",
        reviewer=answer.reviewer,
    )


async def publish(producer: Any, topic: str, results: Sequence[MatchResult]) -> None:
    """Send the results and wait until the broker has every one (``acks=all``)."""
    futures = [
        await producer.send(
            topic,
            value=r.model_dump_json().encode(),
            key=r.offer_id.encode(),
            headers=[("content-type", b"application/json"), ("decided-by", b"person")],
        )
        for r in results
    ]
    await asyncio.gather(*futures)
