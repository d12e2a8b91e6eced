"""Module-level app for ``faststream run streams.main:app [--workers N]``; config from MATCHER_*.

Several workers cannot share one HTTP port, so this app has no endpoint: run ``matcher run``
(one process per container or pod) where probes and metrics are needed.
"""

from streams.kafka.app import build_app
from streams.ops import logs
from streams.settings import get_settings

logs.configure(get_settings().log_level, get_settings().log_format)
app = build_app(http=False).app
