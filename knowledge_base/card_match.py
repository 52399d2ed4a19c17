"""Which answer card answers a worker's question, and how sure that is.

Every phrasing of every card (its canonical question and its variants) is a document. A question is
compared with all of them in two ways: by meaning (the cosine of each dense backend) and by characters
(BM25 over character 1–2-grams, which survives typos such as 社宝/加斑费 and whatever segmentation a
colloquial sentence gets). A card scores by its best phrasing, and by how many of the question's nearest
phrasings (by each measure) are its own: a worker's long story may come close to one phrasing of a
neighbouring card by chance, but seldom to many. A small logistic model over those signals and the NLU's
intent ranks the candidates and gives each a calibrated probability of being the right
card. It is fitted when an index version is built, by asking every phrasing of the bank as a question
with that phrasing itself left out, so no question the product is measured on is involved.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import sparse

from .bm25 import BM25
from .calibration import fit_logistic, sigmoid
from .cards import AnswerCard, normalise

CANDIDATES = 20  # per signal; the union is ranked by the model
CARD_OUT_EVERY = 4  # when fitting, one question in four has its whole card left out (a question no card answers)
NEIGHBOURS = 10  # phrasings whose cards vote for a topic when fitting (stands in for the NLU's intent)
# The nearest phrasings whose share per card is a signal. On the held-out phrasings (with the Rasa intent,
# 1,269 cards) the two shares took the right card first from 0.832 to 0.884 and into the top 3 from 0.966
# to 0.978; 20 neighbours did no better, 5 worse.
NEAREST = 10
FEATURES = (
    "dense",
    "dense_gap",
    "sparse_rel",
    "sparse_abs",
    "same_intent",
    "intent_confidence",
    "dense_first",
    "sparse_first",
    "dense_nearest_share",
    "sparse_nearest_share",
)
# Before a version is fitted (and for banks too small to fit): dense similarity dominates.
DEFAULT_COEFS = {
    "bias": -9.0,
    "dense": 9.0,
    "dense_gap": -8.0,
    "sparse_rel": 1.5,
    "sparse_abs": 2.0,
    "same_intent": 0.8,
    "intent_confidence": 0.8,
    "dense_first": 0.8,
    "sparse_first": 0.5,
}


def char_grams(text: str) -> list[str]:
    """Character unigrams and bigrams of the normalised text (no spaces, no punctuation)."""
    s = normalise(text)
    return list(s) + [s[i : i + 2] for i in range(len(s) - 1)]


@dataclass
class CardHit:
    card: AnswerCard
    probability: float  # calibrated P(this is the card that answers the question)
    dense: float  # best cosine with one of its phrasings
    phrasing: str  # the phrasing that matched best by meaning

    @property
    def id(self) -> str:
        return self.card.id


@dataclass
class _Signals:
    dense: np.ndarray  # per card
    best_phrasing: np.ndarray  # per card: index of its closest phrasing
    sparse: np.ndarray  # per card
    sparse_norm: float  # what a phrasing containing every query gram would score
    dense_share: np.ndarray  # per card: its share of the question's NEAREST phrasings by meaning
    sparse_share: np.ndarray  # the same by characters (phrasings sharing none of the question's grams: none)


class CardMatcher:
    def __init__(
        self,
        cards: list[AnswerCard],
        vectors: dict[str, np.ndarray],
        embedders: dict,
        coefs: dict[str, float] | None = None,
    ) -> None:
        self.cards = cards
        self.by_id = {c.id: c for c in cards}
        self.texts = [p for c in cards for p in c.phrasings]
        self.owner = np.array([i for i, c in enumerate(cards) for _ in c.phrasings], dtype=np.int64)
        self.vectors = vectors  # backend -> (phrasings, dim), L2-normalised
        self.embedders = embedders
        self.bm25 = BM25([char_grams(t) for t in self.texts])
        self.coefs = coefs or dict(DEFAULT_COEFS)

    def embed(self, text: str) -> dict[str, np.ndarray]:
        """The question's vector by each dense backend (the retriever reuses them for the statute articles)."""
        return self.embed_many([text])[0]

    def embed_many(self, texts: list[str]) -> list[dict[str, np.ndarray]]:
        """Each text's vectors, every backend encoding all the texts in one batch (the parts of a message)."""
        batches = {name: emb.embed_queries(texts) for name, emb in self.embedders.items() if name in self.vectors}
        return [{name: rows[i] for name, rows in batches.items()} for i in range(len(texts))]

    def match(
        self,
        text: str,
        intent: str | None = None,
        intent_confidence: float = 0.0,
        k: int = 5,
        query: dict[str, np.ndarray] | None = None,
    ) -> list[CardHit]:
        """The k best cards, most probable first; ``query``: the text's vectors, when already computed."""
        if not self.cards:
            return []
        query = query if query is not None else self.embed(text)
        cos = np.mean([self.vectors[name] @ query[name] for name in self.vectors], axis=0)
        grams = char_grams(text)
        signals = self._signals(cos, self.bm25.scores(grams), self._sparse_norm(grams))
        ranked = self._rank(signals, intent, intent_confidence)[:k]
        return [
            CardHit(self.cards[c], p, float(signals.dense[c]), self.texts[signals.best_phrasing[c]]) for c, p in ranked
        ]

    # --- scoring ------------------------------------------------------------------------------------------

    def _signals(self, phrasing_cos: np.ndarray, phrasing_bm25: np.ndarray, sparse_norm: float) -> _Signals:
        n = len(self.cards)
        dense = np.full(n, -1.0, dtype=np.float32)
        np.maximum.at(dense, self.owner, phrasing_cos.astype(np.float32))
        best = np.zeros(n, dtype=np.int64)
        order = np.argsort(phrasing_cos)  # ascending: the last write per card is its best phrasing
        best[self.owner[order]] = order
        bm = np.zeros(n, dtype=np.float32)
        np.maximum.at(bm, self.owner, phrasing_bm25.astype(np.float32))
        return _Signals(
            dense, best, bm, sparse_norm, self._nearest_share(phrasing_cos), self._nearest_share(phrasing_bm25)
        )

    def _nearest_share(self, phrasing_scores: np.ndarray) -> np.ndarray:
        """Per card, the share of the NEAREST best-scoring phrasings that are its own (scores <= 0 are no match:
        a phrasing left out when fitting, or one sharing no character with the question)."""
        k = min(NEAREST, len(phrasing_scores) - 1)
        near = np.argpartition(-phrasing_scores, k)[:k]
        near = near[phrasing_scores[near] > 0]
        return np.bincount(self.owner[near], minlength=len(self.cards)) / NEAREST

    def _sparse_norm(self, grams: list[str]) -> float:
        idf = self.bm25.idf
        return float(sum(idf[self.bm25.vocab[g]] for g in set(grams) if g in self.bm25.vocab) * 2.2) or 1.0

    def _candidates(self, s: _Signals) -> np.ndarray:
        top_dense = np.argsort(-s.dense)[:CANDIDATES]
        top_sparse = np.argsort(-s.sparse)[:CANDIDATES]
        return np.unique(np.concatenate([top_dense, top_sparse]))

    def _features(self, s: _Signals, cands: np.ndarray, intent: str | None, confidence: float) -> np.ndarray:
        d_top, s_top = float(s.dense.max()), float(s.sparse.max()) or 1.0
        same = np.array([float(self.cards[c].intent == intent) for c in cands])
        return np.column_stack(
            [
                s.dense[cands],
                d_top - s.dense[cands],
                s.sparse[cands] / s_top,
                np.minimum(s.sparse[cands] / s.sparse_norm, 1.5),
                same,
                same * confidence,
                (s.dense[cands] >= d_top).astype(float),
                (s.sparse[cands] >= s_top).astype(float),
                s.dense_share[cands],
                s.sparse_share[cands],
            ]
        )

    def _rank(self, s: _Signals, intent: str | None, confidence: float) -> list[tuple[int, float]]:
        cands = self._candidates(s)
        x = self._features(s, cands, intent, confidence)
        w = np.array([self.coefs.get(f, 0.0) for f in FEATURES])  # a version fitted before a feature: 0
        p = sigmoid(x @ w + self.coefs["bias"])
        order = np.argsort(-p)
        return [(int(cands[i]), float(p[i])) for i in order]

    # --- fitting at build time ----------------------------------------------------------------------------

    def fit(
        self,
        seed: int = 7,
        max_queries: int = 4000,
        unseen: frozenset[str] | None = None,
        unseen_vectors: dict[str, np.ndarray] | None = None,
    ) -> dict[str, float]:
        """Fit the ranking model on the bank's own phrasings asked as questions, each left out of what it is
        compared with; keeps and returns coefs. A trained embedder has learnt every phrasing, so for it pass
        the phrasings a second model never saw (``unseen``) and that model's vectors (``unseen_vectors``, per
        backend, one row per phrasing): only those phrasings are asked, scored as a new question would be."""
        n = len(self.texts)
        if len(self.cards) < 5 or n < 30:
            return self.coefs
        rng = np.random.default_rng(seed)
        pool = np.array([i for i, t in enumerate(self.texts) if unseen is None or t in unseen], dtype=np.int64)
        if len(pool) < 30:
            return self.coefs
        queries = rng.permutation(pool)[:max_queries]
        vectors = {**self.vectors, **(unseen_vectors or {})}
        cos = np.mean([v[queries] @ v.T for v in vectors.values()], axis=0)  # (queries, phrasings)
        grams = [char_grams(self.texts[i]) for i in queries]
        bm = self._bm25_matrix(grams)  # (queries, phrasings)
        rows, labels = [], []
        for row, i in enumerate(queries):
            owner = self.owner[i]
            # Every few questions, the whole card is left out: a question the bank has no card for, so the
            # model learns what a question with no right card looks like (nothing close enough) and is unsure.
            no_card = row % CARD_OUT_EVERY == 0
            left_out = np.flatnonzero(self.owner == owner) if no_card else np.array([i])
            cos[row, left_out], bm[row, left_out] = -1.0, 0.0
            intent, confidence = self._neighbour_intent(cos[row])
            s = self._signals(cos[row], bm[row], self._sparse_norm(grams[row]))
            cands = self._candidates(s)
            rows.append(self._features(s, cands, intent, confidence))
            labels.append(cands == owner)
        x, y = np.vstack(rows), np.concatenate(labels).astype(float)
        self.coefs = fit_logistic(x, y, FEATURES)
        return self.coefs

    def _bm25_matrix(self, grams: list[list[str]]) -> np.ndarray:
        vocab = self.bm25.vocab
        r, c = [], []
        for row, gs in enumerate(grams):
            for g in gs:
                if g in vocab:
                    r.append(row)
                    c.append(vocab[g])
        q = sparse.csr_matrix((np.ones(len(r), np.float32), (r, c)), shape=(len(grams), len(vocab)))
        return np.asarray((q @ self.bm25.matrix.T).todense())

    def _neighbour_intent(self, cos_row: np.ndarray) -> tuple[str, float]:
        """The topic most of the closest other phrasings belong to, and its share: a stand-in for the NLU."""
        near = np.argpartition(-cos_row, NEIGHBOURS)[:NEIGHBOURS]
        votes: dict[str, int] = {}
        for i in near:
            intent = self.cards[self.owner[i]].intent
            votes[intent] = votes.get(intent, 0) + 1
        intent = max(votes, key=votes.get)
        return intent, votes[intent] / NEIGHBOURS
