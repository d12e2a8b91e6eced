from __future__ import annotations

import re
from pathlib import Path

import pytest

from streams.settings import Settings, markdown_table


def test_environment_overrides_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MATCHER_BATCH_SIZE", "8")
    monkeypatch.setenv("MATCHER_INPUT_TOPIC", "supplier-offers")
    monkeypatch.setenv("MATCHER_THRESHOLD", "0.9")
    s = Settings()
    assert (s.batch_size, s.input_topic, s.threshold, s.output_topic) == (
        8,
        "supplier-offers",
        0.9,
        "matches",
    )


def test_invalid_values_are_rejected(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MATCHER_BATCH_SIZE", "0")
    with pytest.raises(ValueError, match="batch_size"):
        Settings()


ROOT = Path(__file__).parents[1]


def test_readme_lists_every_variable() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    listed = set(re.findall(r"^\| `MATCHER_([A-Z0-9_]+)`", readme, flags=re.M))
    assert listed == {name.upper() for name in Settings.model_fields}
    assert markdown_table() in readme, "README is stale: paste `python -m streams.settings`"


def test_no_code_reads_matcher_variables_but_the_settings() -> None:
    """One home for configuration: no module reads a MATCHER_* variable by itself."""
    readers = [
        str(path.relative_to(ROOT))
        for package in ("matcher", "streams")
        for path in (ROOT / package).rglob("*.py")
        if re.search(r"environ[^\n]*MATCHER_|getenv\([^)]*MATCHER_", path.read_text("utf-8"))
    ]
    assert readers == []
