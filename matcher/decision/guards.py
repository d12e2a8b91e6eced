"""Attribute guards: a known RAM, ROM or colour that conflicts with the candidate's rules it out.

The embedding puts 8/256 and 12/512 of one phone at cosine 0.98, so no threshold can tell them
apart; stated attributes can. Unknown on either side never conflicts.
"""

from __future__ import annotations

from matcher.normalize import Attributes
from matcher.normalize.colors import compatible as colors_compatible


def conflicts(offer: Attributes, candidate: Attributes) -> list[str]:
    """Names of the attributes that conflict (``ram``, ``rom``, ``color``), in that order."""
    found = []
    if offer.ram is not None and candidate.ram is not None and offer.ram != candidate.ram:
        found.append("ram")
    if offer.rom is not None and candidate.rom is not None and offer.rom != candidate.rom:
        found.append("rom")
    if not colors_compatible(offer.color, candidate.color):
        found.append("color")
    return found
