"""The ONNX Runtime backends: fp32 (the same vectors as torch) and dynamic int8.

The transformer is exported once per model folder (``onnx/`` beside it, or under the cache folder
when the model's folder is read-only), with what pooling and normalizing it needs recorded in
``export.json``, so serving needs neither torch nor sentence-transformers. The int8 model is
checked against fp32 on a probe set when it is made: if it drifts, the feed-forward output layers
of the upper half of the network (the sensitive ones, e.g. in MPNet) are kept fp32 and it is
checked again; if it still drifts, int8 is refused.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import logging
import os
import re
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from matcher.encoding import models
from matcher.encoding.base import fingerprint

log = logging.getLogger(__name__)

EXPORT_META = "export.json"
MIN_MEAN_COSINE = 0.985  # int8 against fp32 on the probe set
MIN_COSINE = 0.95

# Product-like texts in the styles the matcher sees, for the int8 check.
PROBE_TEXTS = [
    "xiaomi redmi note 14 8/256gb | color: green, ram: 8, rom: 256gb",
    "apple iphone 15 pro 256gb natural titanium esim",
    "samsung galaxy a55 5g 8/128gb awesome navy sm-a556e",
    "краска фасадная акриловая белая 10 л",
    "саморез по дереву 3,5x35 мм 200 шт",
    "sony cyber-shot dsc-w120 7.2 megapixel digital camera pink",
    "microsoft office 2007 standard upgrade",
    "кабель ввгнг-ls 3х2,5 100 м",
    "honor x9b 12/256gb оранжевый",
    "logitech wireless mouse m185 grey",
    "смеситель для кухни с высоким изливом хром",
    "bosch gsr 120-li professional drill 2 batteries",
    "poco x6 pro 12/512 black",
    "nokia 105 dual sim 2023 blue",
    "цемент м500 50 кг",
    "canon eos 2000d kit 18-55mm",
    "tecno spark 20 pro 8/256gb moonlit black",
    "панель пвх 2700x250 мм белая глянец",
    "hp laserjet pro m404dn printer",
    "realme c61 6/128gb зеленый",
    "перфоратор makita hr2470 sds-plus 780 вт",
    "adobe photoshop elements 10 mac/win",
    "google pixel 8a 128gb obsidian",
    "гвозди строительные 100 мм 1 кг",
    "garmin forerunner 255 gps running watch",
    "infinix hot 40i 4/128 starfall green",
    "ламинат 33 класс дуб натуральный 8 мм",
    "kingston 64gb usb 3.0 flash drive datatraveler",
    "vivo y36 8/256 meteor black",
    "лампа светодиодная e27 10 вт 4000k",
    "apple ipad air 11 (2024) 128gb wi-fi space gray",
    "oneplus 12 16/512gb flowy emerald",
]


def _lock(folder: Path) -> Iterator[None]:
    """One exporter at a time per folder (N workers start together)."""
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / ".lock").open("w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


_locked = contextlib.contextmanager(_lock)


def export_folder(path: str, cache_dir: str | Path | None) -> Path:
    """Where the export of the model at ``path`` lives: beside it when writable, else cached."""
    beside = Path(path) / "onnx"
    if os.access(path, os.W_OK) or beside.exists():
        return beside
    base = Path(cache_dir) if cache_dir else models.default_cache_dir()
    return base / "onnx" / models.fingerprint(path, Path(path).name)


def export(path: str, folder: Path, int8: bool) -> Path:
    """The exported model file (made once); fp32 always, int8 when asked and good enough."""
    with _locked(folder):
        fp32 = folder / "model.onnx"
        if not fp32.exists():
            _export_fp32(path, folder)
        if not int8:
            return fp32
        quantized = folder / "model_int8.onnx"
        if not quantized.exists():
            _quantize(folder)
        return quantized


def _export_fp32(path: str, folder: Path) -> None:
    import torch
    from sentence_transformers import SentenceTransformer

    st: Any = SentenceTransformer(path, device="cpu")  # modules are looked up by position
    kinds = [type(m).__name__ for m in st]
    if kinds[:2] != ["Transformer", "Pooling"] or set(kinds[2:]) - {"Normalize"}:
        raise ValueError(f"ONNX export supports Transformer + Pooling (+ Normalize), got {kinds}")
    pooling = st[1].get_config_dict()
    mode = pooling.get("pooling_mode") or next(
        (m for m in ("cls", "max", "mean") if pooling.get(f"pooling_mode_{m}_token")), "mean"
    )
    if pooling.get("pooling_mode_mean_tokens"):
        mode = "mean"
    sample = st.tokenizer(
        ["probe text", "a longer probe text 8/256gb"], padding=True, return_tensors="pt"
    )
    inputs = [k for k in ("input_ids", "attention_mask", "token_type_ids") if k in sample]
    transformer = st[0].auto_model.eval()

    class Wrapped(torch.nn.Module):
        """Keyword inputs, last hidden state out (pooling happens outside, in numpy)."""

        def __init__(self) -> None:
            super().__init__()
            self.inner = transformer

        def forward(self, *args: torch.Tensor) -> torch.Tensor:
            return self.inner(**dict(zip(inputs, args, strict=True))).last_hidden_state

    axes = {name: {0: "batch", 1: "tokens"} for name in [*inputs, "last_hidden_state"]}
    with torch.no_grad():
        torch.onnx.export(
            Wrapped(),
            tuple(sample[k] for k in inputs),
            str(folder / "model.onnx.tmp"),
            input_names=inputs,
            output_names=["last_hidden_state"],
            dynamic_axes=axes,
            opset_version=17,
            dynamo=False,
        )
    os.replace(folder / "model.onnx.tmp", folder / "model.onnx")
    prompts = getattr(st, "prompts", None) or {}
    default = getattr(st, "default_prompt_name", None)
    meta = {
        "inputs": inputs,
        "prompt": prompts.get(default, "") if default else "",  # e.g. E5's "query: "
        "pooling": mode,
        "normalize": "Normalize" in kinds,
        "max_seq_length": int(st.max_seq_length),
        "dim": int(st[1].get_sentence_embedding_dimension()),
    }
    st.tokenizer.backend_tokenizer.save(str(folder / "tokenizer.json"))
    (folder / EXPORT_META).write_text(json.dumps(meta, indent=2))


def _quantize(folder: Path) -> None:
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic

    fp32 = OnnxEncoder.from_folder(folder, "model.onnx", len(PROBE_TEXTS))
    reference = fp32.encode(PROBE_TEXTS)
    graph = onnx.load(str(folder / "model.onnx"), load_external_data=False).graph
    layers = sorted(
        {int(m.group(1)) for n in graph.node if (m := re.search(r"layer\.(\d+)/", n.name))}
    )
    sensitive = [
        n.name
        for n in graph.node
        if n.op_type == "MatMul"
        and (m := re.search(r"layer\.(\d+)/output/dense/MatMul", n.name))
        and int(m.group(1)) >= len(layers) // 2
    ]
    meta = json.loads((folder / EXPORT_META).read_text())
    for excluded in ([], sensitive):
        quantize_dynamic(
            str(folder / "model.onnx"),
            str(folder / "model_int8.onnx.tmp"),
            weight_type=QuantType.QInt8,
            per_channel=True,
            nodes_to_exclude=excluded,
            extra_options={"DefaultTensorType": onnx.TensorProto.FLOAT},
        )
        candidate = OnnxEncoder.from_folder(folder, "model_int8.onnx.tmp", len(PROBE_TEXTS))
        cos = (candidate.encode(PROBE_TEXTS) * reference).sum(axis=1)
        check = {"mean_cosine": float(cos.mean()), "min_cosine": float(cos.min())}
        log.info("int8 against fp32 with %d layers kept fp32: %s", len(excluded), check)
        if check["mean_cosine"] >= MIN_MEAN_COSINE and check["min_cosine"] >= MIN_COSINE:
            os.replace(folder / "model_int8.onnx.tmp", folder / "model_int8.onnx")
            meta["int8"] = {**check, "fp32_nodes": excluded}
            (folder / EXPORT_META).write_text(json.dumps(meta, indent=2))
            return
    (folder / "model_int8.onnx.tmp").unlink(missing_ok=True)
    raise ValueError(
        f"int8 drifts from fp32 on the probe set ({check}), even with the upper feed-forward "
        "outputs kept fp32: use MATCHER_BACKEND=onnx"
    )


class OnnxEncoder:
    """An exported model run by ONNX Runtime; texts sorted by length and padded per batch."""

    def __init__(
        self,
        model: str,
        int8: bool,
        batch_size: int,
        cache_dir: str | Path | None = None,
        threads: int | None = None,
    ) -> None:
        self.path = models.resolve(model, cache_dir)
        self.backend = "onnx-int8" if int8 else "onnx"
        folder = export_folder(self.path, cache_dir)
        file = export(self.path, folder, int8)
        self._load(folder, file.name, batch_size, threads)
        self.fingerprint = fingerprint(self.path, model, self.backend)

    @classmethod
    def from_folder(cls, folder: Path, file: str, batch_size: int) -> OnnxEncoder:
        """An encoder on one exported file (the int8 check uses it before the file is final)."""
        self = cls.__new__(cls)
        self._load(folder, file, batch_size, None)
        self.path, self.backend, self.fingerprint = str(folder), "onnx", ""
        return self

    def _load(self, folder: Path, file: str, batch_size: int, threads: int | None) -> None:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        meta = json.loads((folder / EXPORT_META).read_text())
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads or 0
        options.inter_op_num_threads = 1
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        self.session = ort.InferenceSession(
            str(folder / file), options, providers=["CPUExecutionProvider"]
        )
        self.inputs: list[str] = meta["inputs"]
        self.prompt: str = meta.get("prompt", "")
        self.pooling: str = meta["pooling"]
        self.normalize: bool = meta["normalize"]
        self.dim: int = meta["dim"]
        self.batch_size = batch_size
        self.tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self.tokenizer.enable_padding()
        self._max = 0
        self.max_seq_length = int(meta["max_seq_length"])

    def load(self) -> None:
        """Loaded when built (the session is what an ONNX encoder is)."""

    @property
    def max_seq_length(self) -> int:
        return self._max

    @max_seq_length.setter
    def max_seq_length(self, value: int) -> None:
        self._max = value
        self.tokenizer.enable_truncation(value)

    def encode(self, texts: Sequence[str], progress: bool = False) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        order = np.argsort([len(t) for t in texts], kind="stable")  # less padding per batch
        for start in range(0, len(texts), self.batch_size):
            rows = order[start : start + self.batch_size]
            out[rows] = self._forward([texts[i] for i in rows])
        return out

    def _forward(self, texts: list[str]) -> np.ndarray:
        encodings = self.tokenizer.encode_batch([self.prompt + t for t in texts])
        feed: dict[str, Any] = {
            "input_ids": np.array([e.ids for e in encodings], dtype=np.int64),
            "attention_mask": np.array([e.attention_mask for e in encodings], dtype=np.int64),
            "token_type_ids": np.array([e.type_ids for e in encodings], dtype=np.int64),
        }
        hidden = self.session.run(None, {k: feed[k] for k in self.inputs})[0]
        mask = feed["attention_mask"][..., None].astype(np.float32)
        if self.pooling == "cls":
            pooled = hidden[:, 0]
        elif self.pooling == "max":
            pooled = np.where(mask > 0, hidden, -1e9).max(axis=1)
        else:
            pooled = (hidden * mask).sum(axis=1) / np.maximum(mask.sum(axis=1), 1e-9)
        if self.normalize:
            pooled = pooled / np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)
        return pooled.astype(np.float32)
