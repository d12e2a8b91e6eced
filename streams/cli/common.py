"""What every command group shares: the settings, read once."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from streams.settings import Settings


def settings() -> Settings:
    from streams.settings import get_settings

    return get_settings()
