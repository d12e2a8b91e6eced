"""Logging for the CLI and the consumer: plain text, or one JSON object per line.

Failures carry where they happened — topic, partition, offset, offer_id — as ``extra`` fields,
which the JSON form writes out as keys, so a log pipeline can find the event.
"""

from __future__ import annotations

import json
import logging
import os
from datetime import datetime, timezone

CONTEXT = ("topic", "partition", "offset", "offer_id", "error_class", "batch")
NOISY = ("aiokafka", "httpx", "sentence_transformers", "transformers", "uvicorn.access")


class JsonFormatter(logging.Formatter):
    """``{"ts", "level", "logger", "message", ...context, "exc"}`` on one line."""

    def format(self, record: logging.LogRecord) -> str:
        out: dict[str, object] = {
            "ts": datetime.fromtimestamp(record.created, timezone.utc).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key in CONTEXT:
            if hasattr(record, key):
                out[key] = getattr(record, key)
        if record.exc_info:
            out["exc"] = self.formatException(record.exc_info)
        return json.dumps(out, ensure_ascii=False, default=str)


def configure(level: str = "INFO", fmt: str = "text") -> None:
    """Root logging for this process (replacing whatever was set before)."""
    handler = logging.StreamHandler()
    if fmt == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    logging.captureWarnings(True)  # warnings become log records too
    if fmt == "json":
        # Progress bars (model loading) are not log lines: none in JSON mode.
        os.environ["HF_HUB_DISABLE_PROGRESS_BARS"] = "1"
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()
    for name in NOISY:
        logging.getLogger(name).setLevel(max(logging.WARNING, root.level))
