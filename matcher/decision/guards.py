"""Attribute guards: a known RAM, ROM, colour, model number or brand that conflicts with the
candidate's rules it out.

The embedding puts 8/256 and 12/512 of one phone, or ``note 14`` and ``note 14 pro``, at cosine 0.98,
so no threshold can tell them apart; stated attributes can. Unknown on either side never conflicts.
The model check compares model numbers and variant words (``14t``, ``pro``, ``max``) only, so a
supplier may still drop the brand or series. Guards filter the whole catalog (:func:`allowed`),
not just the top-k, so the right variant is found however many siblings outscore it.
"""

from __future__ import annotations

import numpy as np

from matcher.catalog.index import Columns
from matcher.normalize import Attributes
from matcher.normalize.colors import compatible as colors_compatible


def conflicts(offer: Attributes, candidate: Attributes) -> list[str]:
    """Names of the attributes that conflict (``ram``, ``rom``, ``color``, ``model``, ``brand``)."""
    found = []
    if offer.ram is not None and candidate.ram is not None and offer.ram != candidate.ram:
        found.append("ram")
    if offer.rom is not None and candidate.rom is not None and offer.rom != candidate.rom:
        found.append("rom")
    if not colors_compatible(offer.color, candidate.color):
        found.append("color")
    if offer.model is not None and candidate.model is not None and offer.model != candidate.model:
        found.append("model")
    if offer.brand is not None and candidate.brand is not None and offer.brand != candidate.brand:
        found.append("brand")
    return found


def allowed(offer: Attributes, cols: Columns) -> np.ndarray:
    """A boolean per catalog item: no conflict with ``offer`` (the vector form of :func:`conflicts`)."""
    ok = np.ones(len(cols.ram), dtype=bool)
    if offer.ram is not None:
        ok &= (cols.ram == -1) | (cols.ram == offer.ram)
    if offer.rom is not None:
        ok &= (cols.rom == -1) | (cols.rom == offer.rom)
    if offer.color:
        fits = np.array(
            [colors_compatible(offer.color, c) for c in cols.colors] + [True], dtype=bool
        )
        ok &= fits[cols.color_ids]  # -1 picks the trailing True: unknown colour fits
    if offer.model is not None:
        ok &= (cols.model_ids == -1) | (cols.model_ids == cols.models.get(offer.model, -2))
    if offer.brand is not None:
        ok &= (cols.brand_ids == -1) | (cols.brand_ids == cols.brands.get(offer.brand, -2))
    return ok
