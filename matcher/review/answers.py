"""The review queue and the answers, in Redis under the catalog's namespace.

Keys, for the store's namespace ``N`` (``{prefix:model}``, one hash tag):

- ``N:review:queue``  sorted set: offer_id → when it was queued (oldest first)
- ``N:review:items``  hash: offer_id → the :class:`ReviewItem` (JSON)
- ``N:review:lines``  hash: line → offer_ids waiting on it (an answer settles them all)
- ``N:review:alias``  hash: line → the answer's item (``null``: the catalog has none), reviewer
- ``N:review:reject`` hash: line → items a person said it is not
- ``N:review:done``   hash: offer_id → its answer (a second answer is stale)
- ``N:review:audit``  stream: every answer, with who, when and what was shown

An answer is one MULTI/EXEC: alias or rejection, audit entry, and the line's offers leave the
queue together. Catalog reloads keep these keys (they rewrite only the catalog's own).
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from matcher.review.items import Answer, Line, ReviewItem


@dataclass(frozen=True)
class Known:
    """What people said about a line: its item (``None``: not in the catalog), if they said,
    and the items they said it is not."""

    answered: bool = False
    catalog_id: str | None = None
    rejected: frozenset[str] = field(default_factory=frozenset)


class AnswerBook(Protocol):
    """What matching needs of the answers (:class:`RedisAnswers`)."""

    def lookup(self, lines: Sequence[Line]) -> list[Known]: ...

    def forget(self, lines: Iterable[Line]) -> None: ...

    def enqueue(self, items: Sequence[ReviewItem]) -> None: ...


class StaleAnswer(ValueError):
    """The offer was answered already (or is no longer waiting)."""


class UnknownOffer(KeyError):
    """No offer with this id ever waited for review."""


class RedisAnswers:
    """The review queue, answers and audit log of one catalog namespace."""

    def __init__(self, client: Any, namespace: str) -> None:
        self.client = client
        key = f"{namespace}:review:"
        self.queue, self.items, self.lines = key + "queue", key + "items", key + "lines"
        self.alias, self.reject, self.done = key + "alias", key + "reject", key + "done"
        self.audit = key + "audit"

    # -- the batch path ---------------------------------------------------------------------

    def lookup(self, lines: Sequence[Line]) -> list[Known]:
        if not lines:
            return []
        keys = [line.key for line in lines]
        pipe = self.client.pipeline(transaction=False)
        pipe.hmget(self.alias, keys)
        pipe.hmget(self.reject, keys)
        aliases, rejects = pipe.execute()
        out = []
        for alias, reject in zip(aliases, rejects, strict=True):
            rejected = frozenset(json.loads(reject)) if reject else frozenset()
            if alias is None:
                out.append(Known(False, None, rejected))
            else:
                out.append(Known(True, json.loads(alias)["catalog_id"], rejected))
        return out

    def forget(self, lines: Iterable[Line]) -> None:
        """Drop the aliases of these lines (their item left the catalog)."""
        keys = [line.key for line in lines]
        if keys:
            self.client.hdel(self.alias, *keys)

    def enqueue(self, items: Sequence[ReviewItem]) -> None:
        """Put offers in the queue (an offer already waiting keeps its place)."""
        if not items:
            return
        now = time.time()
        pipe = self.client.pipeline(transaction=True)
        for item in items:
            pipe.zadd(self.queue, {item.offer_id: now}, nx=True)
            pipe.hset(self.items, item.offer_id, item.to_json())
        pipe.execute()
        waiting: dict[str, set[str]] = {}
        for item in items:
            waiting.setdefault(item.line.key, set()).add(item.offer_id)
        for line, ids in waiting.items():  # which offers each line holds in the queue
            known = self.client.hget(self.lines, line)
            self.client.hset(
                self.lines, line, json.dumps(sorted(set(json.loads(known or "[]")) | ids))
            )

    # -- the review page --------------------------------------------------------------------

    def pending(self, limit: int = 200, offset: int = 0) -> list[ReviewItem]:
        """Waiting offers, oldest first."""
        ids = self.client.zrange(self.queue, offset, offset + limit - 1)
        if not ids:
            return []
        raw = self.client.hmget(self.items, ids)
        return [ReviewItem.from_json(r) for r in raw if r is not None]

    def depth(self) -> int:
        return int(self.client.zcard(self.queue))

    def item(self, offer_id: str) -> ReviewItem:
        """A waiting offer; :class:`StaleAnswer` if it was answered, :class:`UnknownOffer` if
        it never waited."""
        raw = self.client.hget(self.items, offer_id)
        if raw is None:
            raise UnknownOffer(offer_id)
        if self.client.zscore(self.queue, offer_id) is None:
            raise StaleAnswer(f"offer {offer_id} was answered already")
        return ReviewItem.from_json(raw)

    def answer(self, answer: Answer, shown: ReviewItem) -> list[ReviewItem]:
        """Remember ``answer`` for the offer's line; the offers it settles (that line's)."""
        line = shown.line
        waiting = json.loads(self.client.hget(self.lines, line.key) or "[]")
        settled_ids = sorted({answer.offer_id, *waiting})
        raw = self.client.hmget(self.items, settled_ids)
        settled = [ReviewItem.from_json(r) for r in raw if r is not None]
        pipe = self.client.pipeline(transaction=True)
        if answer.action == "reject":
            known = self.client.hget(self.reject, line.key)
            rejected = sorted(set(json.loads(known or "[]")) | {answer.catalog_id or ""})
            pipe.hset(self.reject, line.key, json.dumps(rejected))
        else:
            alias = {"catalog_id": answer.matched, "reviewer": answer.reviewer, "at": answer.at}
            pipe.hset(self.alias, line.key, json.dumps(alias))
        for item in settled:
            pipe.zrem(self.queue, item.offer_id)
            pipe.hset(self.done, item.offer_id, json.dumps(answer.to_dict()))
        pipe.hdel(self.lines, line.key)
        pipe.xadd(
            self.audit,
            {
                "answer": json.dumps(answer.to_dict(), ensure_ascii=False),
                "supplier_id": line.supplier_id,
                "line": line.title,
                "title": shown.title,
                "proposed": shown.proposed or "",
                "reason": shown.reason,
                "settled": json.dumps([i.offer_id for i in settled]),
            },
        )
        pipe.execute()
        return settled

    def audit_log(self) -> list[dict[str, Any]]:
        """Every answer, oldest first."""
        out = []
        for sid, fields in self.client.xrange(self.audit):
            f = {_s(k): _s(v) for k, v in fields.items()}
            answer = json.loads(f.pop("answer"))
            out.append({"id": _s(sid), **answer, **f, "settled": json.loads(f["settled"])})
        return out

    def answered(self) -> dict[str, dict[str, Any]]:
        """offer_id → its answer, for every offer answered."""
        return {_s(k): json.loads(v) for k, v in self.client.hgetall(self.done).items()}

    def aliases(self) -> dict[str, dict[str, Any]]:
        """line key → what people said its item is."""
        return {_s(k): json.loads(v) for k, v in self.client.hgetall(self.alias).items()}


def _s(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value
