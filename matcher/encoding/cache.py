"""A vector cache in front of any encoder, keyed by the text that is embedded.

Suppliers re-send the same price list with new offer ids all day: the second time, the model is
skipped (the decision is still made against the current catalog). An in-process LRU; with a Redis
client, also a cache shared by every consumer of the same model (same fingerprint namespace).
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from collections.abc import Sequence
from typing import Any

import numpy as np

from matcher.encoding.base import Encoder


class CachedEncoder:
    """``encode`` that only sends the texts it has not seen to ``inner``."""

    def __init__(
        self,
        inner: Encoder,
        size: int,
        shared: Any = None,
        shared_key: str = "",
        shared_ttl_s: int = 7 * 24 * 3600,
    ) -> None:
        if shared is not None and not shared_key:
            raise ValueError("a shared vector cache needs its key (under the store's namespace)")
        self.inner = inner
        self.size = size
        self.shared = shared
        self.shared_key = shared_key
        self.shared_ttl_s = shared_ttl_s
        self._lru: OrderedDict[str, np.ndarray] = OrderedDict()
        self.hits = 0
        self.misses = 0
        self.shared_hits = 0

    def __getattr__(self, name: str) -> Any:  # path, fingerprint, dim, batch_size, backend …
        return getattr(self.inner, name)

    def load(self) -> None:
        self.inner.load()

    def encode(self, texts: Sequence[str], progress: bool = False) -> np.ndarray:
        out = np.zeros((len(texts), self.inner.dim), dtype=np.float32)
        todo: dict[str, list[int]] = {}
        for i, text in enumerate(texts):
            vec = self._lru.get(text)
            if vec is None:
                todo.setdefault(text, []).append(i)
            else:
                self._lru.move_to_end(text)
                out[i] = vec
        self.hits += len(texts) - sum(len(rows) for rows in todo.values())
        if todo and self.shared is not None:
            self._from_shared(todo, out)
        if todo:
            fresh = list(todo)
            vectors = self.inner.encode(fresh, progress)
            self.misses += len(fresh)
            for text, vec in zip(fresh, vectors, strict=True):
                out[todo[text]] = vec
                self._remember(text, vec)
            if self.shared is not None:
                self._to_shared(fresh, vectors)
        return out

    def _remember(self, text: str, vec: np.ndarray) -> None:
        self._lru[text] = vec
        if len(self._lru) > self.size:
            self._lru.popitem(last=False)

    def _field(self, text: str) -> str:
        return hashlib.blake2b(text.encode("utf-8"), digest_size=16).hexdigest()

    def _from_shared(self, todo: dict[str, list[int]], out: np.ndarray) -> None:
        texts = list(todo)
        raw = self.shared.hmget(self.shared_key, [self._field(t) for t in texts])
        for text, blob in zip(texts, raw, strict=True):
            if blob is not None:
                vec = np.frombuffer(blob, dtype=np.float16).astype(np.float32)
                out[todo.pop(text)] = vec
                self._remember(text, vec)
                self.shared_hits += 1

    def _to_shared(self, texts: Sequence[str], vectors: np.ndarray) -> None:
        pipe = self.shared.pipeline(transaction=False)
        half = vectors.astype(np.float16)
        pipe.hset(
            self.shared_key,
            mapping={self._field(t): half[i].tobytes() for i, t in enumerate(texts)},
        )
        pipe.expire(self.shared_key, self.shared_ttl_s)
        pipe.execute()
