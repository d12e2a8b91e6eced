"""The README's command lines, run as a user runs them.

The quick start (``make demo``, ``make test``) is the front door: the demo runs here exactly as
written, in a subprocess with a bound on its time; ``make test`` is what CI runs (``.ci/run``).
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import subprocess
import sys
import time
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
@pytest.mark.long(90)
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
    # the unsure lines and where a person answers them
    assert re.search(r"for review: \d+ \(\d+ waiting at\s+http://[\w.:]+/\)", out), out[-2000:]
    right = re.search(r"right catalog_id: (\d+)/400", out)
    assert right and int(right.group(1)) >= 380


def walkthrough() -> list[tuple[str, str]]:
    """Every other bash block of the README, in order, with the section it is in: a user
    following the README from top to bottom runs them one after another in one folder."""
    found = []
    for section in re.split(r"\n## ", README)[1:]:
        heading = section.split("\n", 1)[0]
        if heading != "Two commands":
            found += [(heading, b) for b in re.findall(r"```bash\n(.*?)```", section, re.S)]
    return found


def run_block(script: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """A bash script that stops at the first failing line; whatever it left running in the
    background is stopped when it ends. Output goes to a file: a background process keeps a pipe
    open after the script is gone."""
    log = cwd / "readme-walkthrough.log"
    with log.open("w") as out:
        proc = subprocess.Popen(
            ["bash", "-c", "set -euo pipefail\n" + script],
            cwd=cwd,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            code = proc.wait(timeout=1200)
        finally:
            stop_group(proc.pid)
    return subprocess.CompletedProcess(proc.args, code, log.read_text(errors="replace"), "")


def stop_group(pgid: int, grace: float = 20.0) -> None:
    """SIGTERM to a process group, SIGKILL to what is left after ``grace`` seconds."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pgid, signal.SIGTERM)
        deadline = time.monotonic() + grace
        while time.monotonic() < deadline:
            os.killpg(pgid, 0)  # raises once the group is gone
            time.sleep(0.2)
        os.killpg(pgid, signal.SIGKILL)


@pytest.mark.integration
@pytest.mark.long(300)
@pytest.mark.timeout(1500)
def test_every_readme_command_runs_as_written(tmp_path: Path) -> None:
    """The README's other bash blocks, exactly as written, in order, in one shell in a fresh
    folder, as a user following it from top to bottom: every line succeeds."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("MATCHER_")}
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    env["MATCHER_CACHE_DIR"] = str(tmp_path / "cache")  # `matcher up --detach` keeps state here
    env["COLUMNS"] = "160"
    found = walkthrough()
    assert [h for h, _ in found][:1] == ["CLI"] and len(found) >= 4
    script = "\n".join(f'echo "### README: {h} $(date +%T)"\n{b}' for h, b in found)
    work = tmp_path / "work"
    work.mkdir()
    try:
        done = run_block(script, work, env)
    finally:
        subprocess.run(["matcher", "down"], cwd=work, env=env, capture_output=True, timeout=60)
    assert done.returncode == 0, done.stdout[-5000:]
    assert done.stdout.count("### README:") == len(found)
    offers = (work / "data" / "offers_test.jsonl").read_text().splitlines()
    results = [json.loads(x) for x in (work / "results.jsonl").read_text().splitlines()]
    assert len(results) == len(offers) and {r["decision"] for r in results} >= {"match"}
    assert json.loads((work / "models" / "mine" / "matcher.json").read_text())["decision"]
    assert json.loads((work / "decision.json").read_text())["decision"]["classifier"]
    assert {p.name for p in (work / "answers").iterdir()} >= {"pairs.csv", "offers.jsonl"}
    assert '"ready": true' in done.stdout.replace("'", '"')
