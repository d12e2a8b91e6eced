"""Listing normalization, by domain profile: ``generic`` (the default, any catalog) and
``phones`` (colours, memory, SIM, network, regions, brands and series)."""

from __future__ import annotations

from collections.abc import Mapping

from matcher.normalize.attributes import Attributes, Normalized
from matcher.normalize.profiles import DEFAULT_PROFILE, PROFILES, Profile, get_profile


def normalize(
    title: str, attributes: Mapping[str, object] | None = None, profile: str = DEFAULT_PROFILE
) -> Normalized:
    """A title and the sender's attributes, read by ``profile``."""
    return get_profile(profile).normalize(title, attributes)


__all__ = [
    "DEFAULT_PROFILE",
    "PROFILES",
    "Attributes",
    "Normalized",
    "Profile",
    "get_profile",
    "normalize",
]
