from __future__ import annotations

from pathlib import Path

import pytest

from matcher.settings import Settings


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


def test_readme_lists_every_variable() -> None:
    readme = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")
    for name in Settings.model_fields:
        assert f"`MATCHER_{name.upper()}`" in readme, name
