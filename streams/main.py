"""Module-level app for ``faststream run streams.main:app [--workers N]``; config from MATCHER_*."""

from streams.app import build_app

app = build_app().app
