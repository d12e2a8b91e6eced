"""People's answers as training data, in the formats ``matcher train`` and ``matcher
train-decision`` read: labelled pairs (``pairs.csv``: the offer's title, the item's title, 1 for
the item a person matched, 0 for one they rejected or said it is not) and labelled offers
(``offers.jsonl``: ``expected_catalog_id``, null where the catalog has no such item), plus the
audit log (``audit.jsonl``)."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

from matcher.catalog.store import RedisCatalog
from matcher.review.answers import RedisAnswers
from matcher.review.items import ReviewItem


def write(answers: RedisAnswers, store: RedisCatalog, out: str | Path) -> dict[str, int]:
    """Write the files into ``out``; the counts of what was written."""
    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    log = answers.audit_log()
    items = _items(answers, [o for entry in log for o in entry["settled"]])
    wanted = sorted({c for e in log for c in (e.get("catalog_id"), e.get("proposed")) if c})
    titles = {
        cid: (found[0].title or found[0].text)
        for cid, found in zip(wanted, store.fetch(wanted), strict=True)
        if found is not None
    }
    pairs: list[tuple[str, str, int]] = []
    offers: list[dict[str, Any]] = []
    for entry in log:
        for offer_id in entry["settled"]:
            item = items.get(offer_id)
            if item is None:
                continue
            matched = entry["catalog_id"] if entry["action"] in ("confirm", "pick") else None
            wrong = entry["catalog_id"] if entry["action"] == "reject" else None
            if entry["action"] == "none":
                wrong = entry.get("proposed") or None
            if matched in titles:
                pairs.append((item.title, titles[matched], 1))
            if wrong in titles:
                pairs.append((item.title, titles[wrong], 0))
            if entry["action"] != "reject":  # a rejection says what it is not, not what it is
                offers.append(
                    {
                        "offer_id": offer_id,
                        "supplier_id": item.supplier_id or None,
                        "title": item.title,
                        "attributes": {},
                        "expected_catalog_id": matched,
                        "kind": f"review:{entry['action']}",
                    }
                )
    with (folder / "pairs.csv").open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["sentence_0", "sentence_1", "label"])
        writer.writerows(pairs)
    with (folder / "offers.jsonl").open("w", encoding="utf-8") as fh:
        fh.writelines(json.dumps(o, ensure_ascii=False) + "\n" for o in offers)
    with (folder / "audit.jsonl").open("w", encoding="utf-8") as fh:
        fh.writelines(json.dumps(e, ensure_ascii=False) + "\n" for e in log)
    return {"answers": len(log), "pairs": len(pairs), "offers": len(offers)}


def _items(answers: RedisAnswers, offer_ids: list[str]) -> dict[str, ReviewItem]:
    if not offer_ids:
        return {}
    raw = answers.client.hmget(answers.items, offer_ids)
    return {o: ReviewItem.from_json(r) for o, r in zip(offer_ids, raw, strict=True) if r}
