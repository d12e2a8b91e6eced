"""Marks: short values that tell products of one line apart and are no quantity.

A mixing ratio (``1:4``), a concrete grade (``М200``), a pipe size in inches (``1/2"``) or as a
nominal diameter (``DN15``, ``Ду15``: the same pipe as ``1/2"``). Each is read as ``kind:value``;
two listings that state marks of one kind with no value in common are different products.
"""

from __future__ import annotations

import re

# nominal diameter → the inch size it is sold as
DN_INCH = {
    "10": "3/8",
    "15": "1/2",
    "20": "3/4",
    "25": "1",
    "32": "1 1/4",
    "40": "1 1/2",
    "50": "2",
}

_RATIO = re.compile(r"(?<![\d:.,])(\d{1,3}):(\d{1,3})(?![\d:])")
_GRADE = re.compile(r"(?<![\w-])[мm]-?(\d{2,3})(?![\w])")
_INCH = re.compile(r"(?<![\w/])(\d{1,2}(?: \d/\d|/\d{1,2})?)\s?(?:\"|''|”|″|дюйм\w*|inch\w*)")
_DN = re.compile(r"(?<![\w])(?:dn|ду)\s?-?(\d{2,3})(?![\w])")


def extract(text: str) -> tuple[str, ...]:
    """The marks in a folded (lowercased) title, in order, without repeats."""
    found = [f"ratio:{a}:{b}" for a, b in _RATIO.findall(text)]
    found += [f"grade:m{g}" for g in _GRADE.findall(text)]
    found += [f"inch:{v}" for v in _INCH.findall(text)]
    found += [f"inch:{DN_INCH[d]}" if d in DN_INCH else f"dn:{d}" for d in _DN.findall(text)]
    return tuple(dict.fromkeys(found))


def family(mark: str) -> str:
    """What a mark is compared within: its kind."""
    return mark.partition(":")[0]
