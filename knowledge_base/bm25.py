"""Okapi BM25 over jieba tokens, as a sparse term-document matrix (fast enough for ~10k articles)."""

from __future__ import annotations

import re
from collections import Counter

import jieba
import numpy as np
from scipy import sparse

jieba.setLogLevel(60)  # silence the "Building prefix dict" chatter

# Function words and legal boilerplate that match everywhere and carry no topic.
STOPWORDS = frozenset(
    "的 了 是 在 和 与 或 及 或者 以及 等 对 把 被 为 由 从 向 于 将 应 应当 可以 不 没有 有 也 都 就 而 但 "
    "我 你 他 她 我们 他们 自己 这 那 这个 那个 什么 怎么 怎么办 如何 吗 呢 吧 啊 呀 么 请问 想 问 "
    "一下 现在 还 又 已经 能 能否 会 要 给 让 说 个 该 其 之 所 本 条 款 规定 下列 依照 按照".split()
)
_TOKEN_OK = re.compile(r"[\w\u4e00-\u9fff]")


def add_words(words: list[str]) -> None:
    """Teach jieba domain terms (e.g. 用人单位, 经济补偿) so they stay one token on both sides."""
    for w in words:
        if len(w) > 1:
            jieba.add_word(w, freq=20000)


def tokenize(text: str) -> list[str]:
    return [t for t in jieba.lcut_for_search(text) if t.strip() and t not in STOPWORDS and _TOKEN_OK.search(t)]


class BM25:
    def __init__(self, docs_tokens: list[list[str]], k1: float = 1.2, b: float = 0.75) -> None:
        self.vocab: dict[str, int] = {}
        rows, cols, vals = [], [], []
        lengths = np.zeros(len(docs_tokens), np.float32)
        for d, tokens in enumerate(docs_tokens):
            lengths[d] = len(tokens)
            for tok, tf in Counter(tokens).items():
                rows.append(d)
                cols.append(self.vocab.setdefault(tok, len(self.vocab)))
                vals.append(tf)
        n_docs = max(len(docs_tokens), 1)
        tf = sparse.csr_matrix((np.array(vals, np.float32), (rows, cols)), shape=(len(docs_tokens), len(self.vocab)))
        df = np.bincount(cols, minlength=len(self.vocab)).astype(np.float32)
        self.idf = np.log(1.0 + (n_docs - df + 0.5) / (df + 0.5)).astype(np.float32)
        norm = k1 * (1 - b + b * lengths / max(float(lengths.mean()) if len(lengths) else 1.0, 1e-9))
        # Precompute the saturated, idf-weighted term weight of every (doc, term) pair.
        tf = tf.tocoo()
        weights = tf.data * (k1 + 1) / (tf.data + norm[tf.row]) * self.idf[tf.col]
        self._matrix = sparse.csc_matrix((weights, (tf.row, tf.col)), shape=tf.shape)

    @property
    def matrix(self) -> sparse.csc_matrix:
        """(documents, terms) saturated, idf-weighted term weights: scores = matrix @ query counts."""
        return self._matrix

    def scores(self, query_tokens: list[str], weights: dict[str, float] | None = None) -> np.ndarray:
        """BM25 score of every document; ``weights`` down-weights e.g. expansion terms."""
        q = np.zeros(len(self.vocab), np.float32)
        for tok in query_tokens:
            if tok in self.vocab:
                q[self.vocab[tok]] += (weights or {}).get(tok, 1.0)
        return np.asarray(self._matrix @ q).ravel()
