"""Model folders: the fingerprint that namespaces catalog vectors in Redis."""

from __future__ import annotations

import shutil
from pathlib import Path

from matcher.encoding import models


def test_fingerprint_is_stable_and_follows_the_files(tmp_path: Path) -> None:
    folder = Path(models.resolve("all-MiniLM-L6-v2"))
    first = models.fingerprint(str(folder), "minilm")
    assert first == models.fingerprint(str(folder), "minilm")  # same files, same id
    copy = tmp_path / "copy"
    shutil.copytree(folder, copy)
    assert models.fingerprint(str(copy), "minilm") == first  # where it lies does not matter
    (copy / models.MATCHER_META).write_text('{"decision": {"threshold": 0.7}}')
    (copy / "README.md").write_text("a new card")
    assert models.fingerprint(str(copy), "minilm") == first  # decision config and card: no
    with (copy / "config.json").open("a") as fh:
        fh.write(" ")
    assert models.fingerprint(str(copy), "minilm") != first  # any model file: yes
    assert models.fingerprint("some/hub-id", None) == "hub-id-hub"
