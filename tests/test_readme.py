"""The README's command lines, run as a user runs them.

The quick start (``make demo``, ``make test``) is the front door: the demo runs here exactly as
written, in a subprocess with a bound on its time; ``make test`` is what CI runs (``.ci/run``).
"""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]
README = (ROOT / "README.md").read_text("utf-8")


def blocks(heading: str) -> list[str]:
    """The command lines (comments and continuations joined) of the bash blocks in a section."""
    section = README.split(f"\n## {heading}\n", 1)[1].split("\n## ", 1)[0]
    lines: list[str] = []
    for block in re.findall(r"```bash\n(.*?)```", section, re.S):
        text = re.sub(r"\\\n\s*", " ", block)
        for line in text.splitlines():
            command = re.sub(r"\s+#.*$", "", line).strip()
            if command and not command.startswith("#"):
                lines.append(" ".join(command.split()))
    return lines


def test_the_quick_start_is_two_commands_and_ci_runs_the_test_one() -> None:
    assert blocks("Two commands") == ["make demo", "make test"]
    ci = (ROOT / ".ci" / "run").read_text()
    assert re.search(r"^make test$", ci, re.M)


@pytest.mark.integration
def test_make_demo_runs_as_written() -> None:
    """``make demo`` on default settings (HTTP endpoint on): exit 0, the table, the summary."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("MATCHER_")}
    env["COLUMNS"] = "160"
    done = subprocess.run(
        ["make", "demo"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600
    )
    out = done.stdout + done.stderr
    assert done.returncode == 0, out[-3000:]
    assert "supplier offer → catalog item" in out  # the table
    summary = re.search(r"offers in: (\d+) .*results out: (\d+) \((\d+) distinct", out, re.S)
    assert summary and summary.group(1) == summary.group(3) == "400", out[-2000:]
    assert "dead letters: 4" in out and "/readyz: True" in out
    right = re.search(r"right catalog_id: (\d+)/400", out)
    assert right and int(right.group(1)) >= 380
