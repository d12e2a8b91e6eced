"""``matcher review``: the review page and its API (Starlette), apart from the consumers.

The queue, the answers and the audit log are the ones the consumers use (Redis, under the
model's catalog namespace: :class:`matcher.review.RedisAnswers`). An answer is validated before
anything is written — the offer must be waiting (404 unknown, 409 answered already), an item must
be in the catalog now (422), the reviewer signed in (401) — then remembered for the offer's line
(every offer of that line waiting is settled with it), and each settled offer's corrected result
is published on the output topic before the answer returns.

A reviewer signs in with ``MATCHER_REVIEW_TOKEN`` and a name (a cookie); API clients send
``Authorization: Bearer <token>`` and ``X-Reviewer: <name>``.
"""

from __future__ import annotations

import contextlib
import csv
import hmac
import io
import json
import logging
from collections import Counter as Tally
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    generate_latest,
)
from pydantic import SecretStr
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from matcher.catalog import LiveCatalog
from matcher.decision.search import top_k
from matcher.encoding import Encoder
from matcher.pipeline import Decisions, MatchPipeline
from matcher.review import ACTIONS, Answer, RedisAnswers, ReviewItem
from matcher.review.answers import StaleAnswer, UnknownOffer
from streams.review.outcome import corrected, publish
from streams.review.page import marked, render, words
from streams.settings import Settings

log = logging.getLogger(__name__)


@dataclass
class Review:
    """What the review app works with (built at start-up by :func:`build_review_app`)."""

    settings: Settings
    answers: RedisAnswers
    catalog: LiveCatalog
    encoder: Encoder
    decisions: Decisions
    producer: Any  # aiokafka producer (started in the lifespan)
    registry: CollectorRegistry
    answered: Counter
    queue: Gauge


class ApiError(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


def build_review_app(settings: Settings, encoder: Encoder | None = None) -> Starlette:
    """The review app for ``settings`` (its model, Redis, output topic and token)."""
    secret = settings.review_token
    expected = secret.get_secret_value() if isinstance(secret, SecretStr) else str(secret or "")
    if not expected:
        raise ValueError("set MATCHER_REVIEW_TOKEN: the review page needs a token to protect it")
    state: dict[str, Review] = {}

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        from aiokafka import AIOKafkaProducer

        from streams.components import build_answers, build_encoder, decisions, live_catalog
        from streams.security import kafka_client_options

        enc = encoder or build_encoder(settings.model_copy(update={"vector_cache_size": 0}))
        enc.load()  # now, not inside the first search request
        catalog = live_catalog(settings, enc)
        catalog.start()
        producer = AIOKafkaProducer(
            bootstrap_servers=settings.kafka_bootstrap, acks="all", **kafka_client_options(settings)
        )
        await producer.start()
        registry = CollectorRegistry()
        answers = build_answers(settings, enc)
        review = Review(
            settings, answers, catalog, enc, decisions(settings, enc), producer, registry,
            Counter("matcher_review_answers", "answers given, by action", ["action"], registry=registry),
            Gauge("matcher_review_queue", "offers waiting for a person", registry=registry),
        )  # fmt: skip
        review.queue.set_function(lambda: float(answers.depth()))
        state["review"] = review
        try:
            yield
        finally:
            await producer.stop()
            catalog.stop()

    def current() -> Review:
        return state["review"]

    def signed_in(request: Request) -> str | None:
        """The reviewer's name, if the request carries the token."""
        bearer = request.headers.get("authorization", "").removeprefix("Bearer ").strip()
        given = bearer or request.cookies.get("review_token", "")
        if not given or not hmac.compare_digest(given, expected):
            return None
        name = request.headers.get("x-reviewer") or request.cookies.get("reviewer") or ""
        return name.strip()[:80] or None

    async def login(request: Request) -> Response:
        if request.method == "GET":
            return HTMLResponse(render("login.html", error=None))
        form = await request.form()
        token = str(form.get("token", ""))
        name = str(form.get("reviewer", "")).strip()[:80]
        if not name or not hmac.compare_digest(token, expected):
            return HTMLResponse(render("login.html", error="wrong token or no name"), 401)
        response = RedirectResponse("/", 303)
        response.set_cookie("review_token", token, httponly=True, samesite="strict")
        response.set_cookie("reviewer", name, samesite="strict")
        return response

    async def page(request: Request) -> Response:
        reviewer = signed_in(request)
        if reviewer is None:
            return RedirectResponse("/login", 303)
        review = current()
        supplier = request.query_params.get("supplier")
        at = max(0, int(request.query_params.get("at", "0") or 0))
        waiting = review.answers.pending(limit=500)
        suppliers = sorted(Tally(i.supplier_id for i in waiting).items())
        mine = [i for i in waiting if supplier is None or i.supplier_id == supplier]
        item = mine[at] if at < len(mine) else (mine[0] if mine else None)
        groups: dict[str, list[ReviewItem]] = {}
        for i in waiting:
            groups.setdefault(i.supplier_id, []).append(i)
        html = render(
            "page.html",
            reviewer=reviewer,
            depth=review.answers.depth(),
            suppliers=suppliers,
            supplier=supplier,
            item=item,
            cands=_cards(item) if item else [],
            groups=[(k, v[:20]) for k, v in sorted(groups.items())],
        )
        return HTMLResponse(html)

    async def queue(request: Request) -> Response:
        _require(signed_in(request))
        review = current()
        waiting = review.answers.pending(limit=int(request.query_params.get("limit", "200")))
        return JSONResponse(
            {"depth": review.answers.depth(), "items": [json.loads(i.to_json()) for i in waiting]}
        )

    async def search(request: Request) -> Response:
        _require(signed_in(request))
        review = current()
        text = request.query_params.get("q", "").strip()[:200]
        if not text:
            return JSONResponse({"items": []})
        index = review.catalog.current()
        pipeline = MatchPipeline(review.encoder, lambda: index, review.decisions)
        profile = pipeline.profile_of(index)
        read = profile.normalize(text)
        cands = index.search(
            review.encoder.encode([read.text]), pipeline.decider(index).scorer, [read.text]
        )[0]
        rows, scores = top_k(cands, 10)
        items = [
            {"catalog_id": index.catalog_id(int(r)), "text": index.text(int(r)), "score": float(s)}
            for r, s in zip(rows, scores, strict=True)
        ]
        return JSONResponse({"items": items})

    async def answer(request: Request) -> Response:
        try:
            reviewer = _require(signed_in(request))
            review = current()
            try:
                body = await request.json()
            except ValueError:
                raise ApiError(400, "the body is not JSON") from None
            if not isinstance(body, dict):
                raise ApiError(400, "the body is not a JSON object")
            offer_id = str(body.get("offer_id", ""))
            action = body.get("action")
            if action not in ACTIONS:
                raise ApiError(400, f"action must be one of {', '.join(ACTIONS)}")
            try:
                item = review.answers.item(offer_id)
            except UnknownOffer:
                raise ApiError(404, f"no offer {offer_id!r} waits for review") from None
            except StaleAnswer as exc:
                raise ApiError(409, str(exc)) from None
            catalog_id = body.get("catalog_id") or (
                item.proposed if action in ("confirm", "reject") else None
            )
            if action == "pick" and not catalog_id:
                raise ApiError(400, "pick needs a catalog_id")
            if action == "none":
                catalog_id = None
            index = review.catalog.current()
            if catalog_id is not None and index.rows_of([str(catalog_id)])[0] < 0:
                raise ApiError(422, f"item {catalog_id!r} is not in the catalog")
            given = Answer(offer_id, action, reviewer, str(catalog_id) if catalog_id else None)
            settled = review.answers.answer(given, item)
            results = [corrected(i, given, index.version) for i in settled]
            await publish(review.producer, settings.output_topic, results)
            review.answered.labels(action).inc()
            log.info("%s answered %s for %s (%d offers)", reviewer, action, offer_id, len(settled))
            return JSONResponse(
                {"settled": [i.offer_id for i in settled], "published": len(results)}
            )
        except ApiError as exc:
            return JSONResponse({"error": str(exc)}, exc.status)

    async def audit(request: Request) -> Response:
        _require(signed_in(request))
        rows = current().answers.audit_log()
        if request.query_params.get("format", "jsonl") == "csv":
            buf = io.StringIO()
            fields = ["id", "at", "reviewer", "action", "offer_id", "catalog_id", "supplier_id",
                      "line", "title", "proposed", "reason", "settled"]  # fmt: skip
            writer = csv.DictWriter(buf, fields, extrasaction="ignore")
            writer.writeheader()
            for r in rows:
                writer.writerow({**r, "settled": " ".join(r["settled"])})
            return Response(buf.getvalue(), media_type="text/csv")
        body = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
        return Response(body, media_type="application/x-ndjson")

    async def metrics(request: Request) -> Response:
        return Response(
            generate_latest(current().registry), headers={"Content-Type": CONTENT_TYPE_LATEST}
        )

    async def healthz(request: Request) -> Response:
        return JSONResponse({"alive": True})

    async def errors(request: Request, exc: Exception) -> Response:
        if isinstance(exc, ApiError):
            return JSONResponse({"error": str(exc)}, exc.status)
        raise exc

    app = Starlette(
        routes=[
            Route("/", page),
            Route("/login", login, methods=["GET", "POST"]),
            Route("/api/queue", queue),
            Route("/api/search", search),
            Route("/api/answers", answer, methods=["POST"]),
            Route("/api/audit", audit),
            Route("/metrics", metrics),
            Route("/healthz", healthz),
        ],
        lifespan=lifespan,
        exception_handlers={ApiError: errors},
    )
    return app


def _require(reviewer: str | None) -> str:
    if reviewer is None:
        raise ApiError(401, "sign in: a reviewer name and the review token are needed")
    return reviewer


def _cards(item: ReviewItem) -> list[dict[str, Any]]:
    """Each candidate as the page shows it: differences from the offer marked."""
    offer_words = words(item.normalized) | words(item.title)
    out = []
    for c in item.candidates:
        attrs = [
            (k, ", ".join(v) if isinstance(v, list) else v, k in c.conflicts)
            for k, v in c.attributes.items()
            if k not in ("names", "latin")
        ]
        out.append(
            {
                "catalog_id": c.catalog_id,
                "score": c.score,
                "marked": marked(c.text, offer_words),
                "conflicts": c.conflicts,
                "attrs": attrs,
                "proposed": c.catalog_id == item.proposed,
            }
        )
    return out
