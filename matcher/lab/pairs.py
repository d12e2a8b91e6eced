"""Labelled pairs from the seed's format (``sentence_0, sentence_1, label`` as CSV / JSONL) and
from the entity-matching benchmarks' text format (``LEFT \\t RIGHT \\t LABEL`` with records
serialised as ``COL attr VAL value …``)."""

from __future__ import annotations

import csv
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

Serialize = Literal["kv", "values", "raw"]
_COL_RE = re.compile(r"COL\s+(\S+)\s+VAL\s*")


@dataclass(frozen=True)
class Pairs:
    """Parallel lists of left texts, right texts and 0/1 labels."""

    left: list[str]
    right: list[str]
    labels: list[float]

    def __len__(self) -> int:
        return len(self.labels)

    @property
    def positives(self) -> int:
        return int(sum(1 for x in self.labels if x >= 0.5))

    @staticmethod
    def concat(parts: list[Pairs]) -> Pairs:
        """These pairs one after another (several training files)."""
        return Pairs(
            [t for p in parts for t in p.left],
            [t for p in parts for t in p.right],
            [y for p in parts for y in p.labels],
        )

    def symmetric(self) -> Pairs:
        """Both directions of every pair (the bi-encoder has one tower, so order is noise)."""
        return Pairs(self.left + self.right, self.right + self.left, self.labels + self.labels)


def parse_record(record: str) -> dict[str, str]:
    """``COL name VAL x COL price VAL 9.9`` → {"name": "x", "price": "9.9"}."""
    parts = _COL_RE.split(record.strip())
    out: dict[str, str] = {}
    for i in range(1, len(parts) - 1, 2):
        value = parts[i + 1].strip()
        if value and value.lower() != "nan":
            out[parts[i]] = value
    return out


def serialize(record: str, style: Serialize = "kv") -> str:
    """A benchmark record as model input: ``name: x | price: 9.9`` (kv), values only, or as is."""
    if style == "raw" or "COL " not in record:
        return record.strip()
    fields = parse_record(record)
    if style == "values":
        return " | ".join(fields.values())
    return " | ".join(f"{k}: {v}" for k, v in fields.items())


def read_pairs(path: str | Path, style: Serialize = "kv", profile: str | None = None) -> Pairs:
    """Read a pairs file by its suffix: ``.csv``, ``.jsonl``/``.json``, or benchmark ``.txt``/``.tsv``.

    With a ``profile``, both texts are what the service embeds for them (that profile's text).
    """
    p = Path(path)
    left: list[str] = []
    right: list[str] = []
    labels: list[float] = []
    suffix = p.suffix.lower()
    with p.open(encoding="utf-8", newline="") as fh:
        if suffix == ".csv":
            for row in csv.DictReader(fh):
                left.append(row["sentence_0"])
                right.append(row["sentence_1"])
                labels.append(float(row["label"]))
        elif suffix in (".jsonl", ".json"):
            for line in fh:
                if line.strip():
                    row = json.loads(line)
                    left.append(str(row["sentence_0"]))
                    right.append(str(row["sentence_1"]))
                    labels.append(float(row["label"]))
        else:
            for n, line in enumerate(fh, start=1):
                cols = line.rstrip("\n").split("\t")
                if len(cols) < 3:
                    if line.strip():
                        raise ValueError(f"{p}:{n}: want LEFT<TAB>RIGHT<TAB>LABEL")
                    continue
                left.append(serialize(cols[0], style))
                right.append(serialize(cols[1], style))
                labels.append(float(cols[2]))
    if profile is not None:
        from matcher import profiles

        read = profiles.get(profile).read
        left = [read(t, None).text for t in left]
        right = [read(t, None).text for t in right]
    return Pairs(left, right, labels)


def split_files(path: str | Path) -> dict[str, Path]:
    """For a benchmark folder, its ``train``/``valid``/``test`` files; for a file, that file as test."""
    p = Path(path)
    if p.is_file():
        return {"test": p}
    found: dict[str, Path] = {}
    for split in ("train", "valid", "test"):
        for ext in (".txt", ".tsv", ".csv", ".jsonl"):
            for name in (f"{split}{ext}", f"pairs_{split}{ext}"):
                if (p / name).exists():
                    found.setdefault(split, p / name)
    if "test" not in found:
        raise FileNotFoundError(f"no test split (test.txt, pairs_test.csv …) in {p}")
    return found


def stats(pairs: Pairs) -> dict[str, float]:
    """Dataset statistics for the model card and logs."""
    lens = [len(t.split()) for t in pairs.left + pairs.right]
    return {
        "pairs": len(pairs),
        "positives": pairs.positives,
        "positive_share": round(pairs.positives / max(1, len(pairs)), 4),
        "mean_words": round(sum(lens) / max(1, len(lens)), 1),
        "max_words": max(lens) if lens else 0,
    }
