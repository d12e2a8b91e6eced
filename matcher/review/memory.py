"""Answers applied to a batch: what people said is decided without the model.

- a line people matched to an item is that item (``match:confirmed``), a line they said the
  catalog lacks is ``no_match:confirmed`` — no model call for either;
- an item people said a line is not is never that line's candidate again;
- an alias whose item left the catalog is dropped, and the line goes back to a person.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import numpy as np

from matcher.catalog.index import Candidates, CatalogIndex
from matcher.decision import Decision, GuardSet, Scored, Verdict
from matcher.normalize import Attributes
from matcher.review.answers import Known
from matcher.review.items import Candidate, ReviewItem


def remembered(
    known: Sequence[Known], index: CatalogIndex
) -> tuple[dict[int, Decision], list[int]]:
    """Decisions people made already, by position; and the positions whose item is gone."""
    decided: dict[int, Decision] = {}
    gone: list[int] = []
    wanted = [k.catalog_id for k in known if k.answered and k.catalog_id is not None]
    rows = dict(zip(wanted, index.rows_of(wanted).tolist(), strict=True)) if wanted else {}
    for i, k in enumerate(known):
        if not k.answered:
            continue
        if k.catalog_id is None:
            decided[i] = Decision([], Verdict(None, "no_match:confirmed"))
            continue
        row = rows.get(k.catalog_id, -1)
        if row < 0:
            gone.append(i)
            continue
        item = Scored(k.catalog_id, 1.0, index.attributes(row), row)
        decided[i] = Decision([item], Verdict(item, "match:confirmed"))
    return decided, gone


def exclude(cands: Candidates, rows: np.ndarray) -> Candidates:
    """``cands`` with ``rows`` never chosen (items a person said the offer is not)."""
    rows = rows[rows >= 0]
    if not len(rows):
        return cands
    scores = np.array(cands.scores, copy=True)
    if cands.rows is None:
        scores[rows] = -np.inf
    else:
        scores[np.isin(cands.rows, rows)] = -np.inf
    return Candidates(cands.rows, scores)


def back_to_review(decision: Decision) -> Decision:
    """A line whose confirmed item left the catalog: a person decides again."""
    verdict = decision.verdict
    proposal = (
        verdict.matched
        or verdict.proposed
        or (decision.candidates[0] if decision.candidates else None)
    )
    if proposal is None:
        return decision
    return replace(decision, verdict=Verdict(None, "review:alias_gone", proposal))


def review_item(
    offer_id: str,
    supplier_id: str,
    title: str,
    normalized: str,
    line_title: str,
    offer: Attributes,
    decision: Decision,
    index: CatalogIndex,
    guards: GuardSet,
    model: str,
) -> ReviewItem:
    """What a person sees for an unsure offer."""
    proposal = decision.verdict.proposed
    shown = list(decision.candidates)
    if proposal is not None and all(c.catalog_id != proposal.catalog_id for c in shown):
        shown = [proposal, *shown]
    return ReviewItem(
        offer_id=offer_id,
        supplier_id=supplier_id,
        title=title,
        normalized=normalized,
        line_title=line_title,
        attributes=offer.as_dict(),
        reason=decision.verdict.reason,
        proposed=proposal.catalog_id if proposal else None,
        candidates=[
            Candidate(
                c.catalog_id,
                round(float(c.score), 6),
                index.text(c.row) if c.row >= 0 else "",
                c.attributes.as_dict(),
                guards.conflicts(offer, c.attributes),
            )
            for c in shown[:5]
        ],
        catalog_version=index.version,
        model=model,
    )
