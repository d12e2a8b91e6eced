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


def test_the_dimension_is_read_from_the_folder_without_loading_the_model(tmp_path: Path) -> None:
    """``catalog status`` and friends need only fingerprint and width: no torch import; the
    width read from the folder is the loaded model's, and a folder it cannot vouch for says so."""
    import json
    import subprocess
    import sys

    code = (
        "import sys; from matcher.encoding import load_encoder\n"
        "enc = load_encoder('all-MiniLM-L6-v2', 'torch', 32)\n"
        "print(enc.fingerprint, enc.dim, 'torch' in sys.modules)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    fingerprint, dim, imported = out.stdout.split()
    assert fingerprint.startswith("all-MiniLM-L6-v2-") and imported == "False"
    from matcher.encoding.torch_backend import TorchEncoder

    loaded = TorchEncoder("all-MiniLM-L6-v2", None, 32)
    assert int(dim) == loaded.encode(["a phone"]).shape[1] == 384

    folder = tmp_path / "dense"
    shutil.copytree(models.resolve("all-MiniLM-L6-v2"), folder)
    modules = json.loads((folder / "modules.json").read_text())
    modules.append(
        {"idx": 3, "name": "3", "path": "3_Dense", "type": "sentence_transformers.models.Dense"}
    )
    (folder / "modules.json").write_text(json.dumps(modules))
    assert models.stated_dim(str(folder)) is None  # a dense layer may change the width
    pooling = folder / "1_Pooling" / "config.json"
    config = json.loads(pooling.read_text()) | {"pooling_mode_max_tokens": True}
    pooling.write_text(json.dumps(config))
    (folder / "modules.json").write_text(json.dumps(modules[:3]))
    assert models.stated_dim(str(folder)) == 768  # mean and max, side by side
