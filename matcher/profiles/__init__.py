"""The domain profiles, by name, and the choice of one for a catalog (``auto``).

Adding a profile: write its module (normalizer, schema, guards, rules, defaults, ``claims``) and
add one line to :data:`PROFILES`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from matcher.profiles import generic, phones, tyres
from matcher.profiles.base import Profile

PROFILES: dict[str, Profile] = {
    p.name: p
    for p in (
        generic.PROFILE,
        phones.PROFILE,
        tyres.PROFILE,
    )
}
FALLBACK = "generic"  # what ``auto`` chooses when no domain profile claims the catalog
AUTO = "auto"


def get(name: str) -> Profile:
    """The profile ``name`` (``auto`` is not a profile: see :func:`detect`)."""
    try:
        return PROFILES[name]
    except KeyError:
        raise ValueError(
            f"unknown profile {name!r}; choose from {', '.join([AUTO, *PROFILES])}"
        ) from None


@dataclass(frozen=True)
class Detection:
    """The profile chosen for a catalog, and the share of items each domain profile claimed."""

    profile: Profile
    shares: dict[str, float]
    sampled: int

    def describe(self) -> str:
        shares = ", ".join(f"{k} {v:.0%}" for k, v in self.shares.items())
        return (
            f"{self.profile.name} (auto: {shares or 'no domain profile'} of {self.sampled} items)"
        )


def detect(
    items: Sequence[tuple[str, Mapping[str, object] | None]],
    min_share: float = 0.5,
    sample: int = 2000,
) -> Detection:
    """The domain profile that claims the largest share of ``items`` (title, attributes), if
    that share is at least ``min_share``; otherwise the generic one.

    A mixed catalog (phones and household goods) whose domain share is below ``min_share`` is
    read generically: its amounts, codes, colours and brands are guarded for every item, where
    a domain profile would read the other items with rules made for something else.
    """
    step = max(1, len(items) // sample) if sample else 1
    picked = items[::step][:sample] if sample else items
    shares: dict[str, float] = {}
    for profile in PROFILES.values():
        if profile.claims is None or not picked:
            continue
        claimed = sum(profile.claims(profile.normalize(t, a)) for t, a in picked)
        shares[profile.name] = claimed / len(picked)
    best = max(shares, key=lambda n: shares[n], default=None)
    chosen = PROFILES[best] if best is not None and shares[best] >= min_share else get(FALLBACK)
    return Detection(chosen, shares, len(picked))


__all__ = ["AUTO", "FALLBACK", "PROFILES", "Detection", "Profile", "detect", "get"]
