"""What the learned decision reads about an offer and its best candidate.

Pair features (:data:`matcher.decision.classifier.FEATURES`) compare two texts. Offer features
add what only the whole candidate list shows: how far the best compatible item is ahead of the
next one (the margin), whether a sibling above it was ruled out (a guard fired), how many items
score about the same, which line names the item states that the offer does not (an item that is
not there often has a sibling that is), the offer's words the catalog never uses, and the
amounts the item states that the offer leaves out. They are computed the same way when a
decision is fitted on offers with answers (``matcher train-decision``) and when it is served.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from matcher.decision.classifier import FEATURES as PAIR_FEATURES
from matcher.decision.classifier import pair_features
from matcher.decision.verdict import Scored
from matcher.normalize import Attributes

OFFER_FEATURES = (
    *PAIR_FEATURES,
    "margin",  # best compatible score minus the next candidate's (another item)
    "above_ruled_out",  # a candidate scored above the best compatible one and a guard ruled it out
    "close",  # candidates within 0.02 of the best compatible one
    "names_missing",  # line names the item states and the offer does not
    "names_extra",  # line names the offer states and the item does not
    "latin_missing",  # Latin names the item states and the offer does not
    "unknown_words",  # the offer's words the catalog never uses
    "amounts_unstated",  # amounts (volume, mass …) the item states and the offer does not
)
_AMOUNTS = ("volume", "mass", "length", "pieces", "power", "voltage")


@dataclass(frozen=True)
class Context:
    """One offer and its best compatible candidate, with what the candidate list shows."""

    offer: Attributes
    offer_text: str
    best: Scored
    item_text: str
    lexical: float
    candidates: Sequence[Scored]  # the top-k, best first


def row(ctx: Context, names: Sequence[str]) -> np.ndarray:
    """The features ``names`` (a subset of :data:`OFFER_FEATURES`, in order) for ``ctx``."""
    values = dict(
        zip(
            PAIR_FEATURES,
            pair_features(
                ctx.best.score, ctx.lexical, ctx.offer_text, ctx.item_text, ctx.offer,
                ctx.best.attributes,
            ),
            strict=True,
        )
    )  # fmt: skip
    if len(names) > len(PAIR_FEATURES) or set(names) - set(PAIR_FEATURES):
        values.update(_offer(ctx))
    return np.array([values[n] for n in names], dtype=np.float64)


def _offer(ctx: Context) -> dict[str, float]:
    best, offer, item = ctx.best, ctx.offer, ctx.best.attributes
    others = [c for c in ctx.candidates if c.catalog_id != best.catalog_id]
    nxt = max((c.score for c in others), default=best.score - 1.0)
    top = ctx.candidates[0] if ctx.candidates else best
    mine, theirs = set(offer.many("names")), set(item.many("names"))
    return {
        "margin": best.score - nxt,
        "above_ruled_out": float(top.catalog_id != best.catalog_id and top.score > best.score),
        "close": float(sum(c.score >= best.score - 0.02 for c in others)),
        "names_missing": float(len(theirs - mine)),
        "names_extra": float(len(mine - theirs)),
        "latin_missing": float(len(set(item.many("latin")) - set(offer.many("latin")))),
        "unknown_words": float(len(offer.many("unknown"))),
        "amounts_unstated": float(sum(a in item and a not in offer for a in _AMOUNTS)),
    }
