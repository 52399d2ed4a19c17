"""Retrieval over one index version: the answer card that answers the question (card_match.py), and the
statute articles behind it by a hybrid of BM25 + dense backends with reciprocal rank fusion, colloquial->legal
query expansion, intent priors, and the matched cards, cases and policy texts voting for the articles they cite."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import faiss
import numpy as np

from .bm25 import BM25, add_words, tokenize
from .calibration import DEFAULT_COEFS, predict
from .card_match import CardHit, CardMatcher
from .domain import DomainData
from .embedders import get_embedder
from .index import Chunk, domain_words, read_cards, read_chunks, verify_checksums

RRF_K = 60  # the usual constant of reciprocal rank fusion: flattens the head so no single list dominates
CANDIDATES = 100  # depth of each ranked list fed into the fusion
EXPANSION_WEIGHT = 0.6  # expansion terms count less than the worker's own words
PRIOR_WEIGHT = 1.0  # a weight-1 prior adds as much as rank 1 in one more list
LINK_WEIGHT = 0.8  # share of a case's / policy text's fused score passed to each article it cites
CARD_WEIGHT = 3.0  # a certain card gives its first article three times a rank-1 vote
CARD_ARTICLE_DECAY = (1.0, 0.8, 0.65, 0.5, 0.4)  # a card lists its articles most relevant first
CARD_VOTERS = 3  # the best cards vote, each by its probability

OUT_OF_SCOPE = "out_of_scope"
CONFIDENCE_THRESHOLD = 0.5  # calibrated P(a right article is in the top 3); below it the bot escalates


@dataclass
class Hit:
    law: str
    article: int | None
    label: str
    text: str
    score: float
    why: str
    status: str
    doc_type: str
    citable: bool
    chunk_id: int

    def citation(self) -> dict:
        return {"law": self.law, "article": self.article, "text": self.text}


@dataclass
class SearchResult:
    hits: list[Hit]
    confidence: float
    low_confidence: bool
    expansions: list[str] = field(default_factory=list)
    cards: list[CardHit] = field(default_factory=list)  # answer cards, most probable first
    features: dict[str, float] = field(default_factory=dict)  # signals the confidence is computed from
    policy_hit: Hit | None = None  # the union-policy article BM25 ranks first, wherever the fusion put it


@dataclass
class Components:
    """Switches for ablations in the benchmark; the product uses all of them."""

    bm25: bool = True
    dense: tuple[str, ...] | None = None  # None: every backend the version has
    expansion: bool = True
    priors: bool = True
    links: bool = True
    cards: bool = True


class Retriever:
    def __init__(self, version_dir: Path) -> None:
        verify_checksums(version_dir)
        self.version_dir = version_dir
        self.manifest = json.loads((version_dir / "manifest.json").read_text(encoding="utf-8"))
        self.version = self.manifest["version"]
        self.chunks: list[Chunk] = read_chunks(version_dir)
        self.domain = DomainData.load(version_dir / "data")
        add_words(domain_words(self.domain))
        self.bm25 = BM25([c.tokens for c in self.chunks])
        self.dense: dict[str, faiss.Index] = {
            name: faiss.read_index(str(version_dir / meta["file"])) for name, meta in self.manifest["backends"].items()
        }
        self.embedders = {name: get_embedder(name, version_dir) for name in self.dense}
        self.calibration = self.manifest.get("calibration") or dict(DEFAULT_COEFS)
        self.documents = {d["short_title"]: d for d in self.manifest["documents"]}
        self.cards = CardMatcher(
            read_cards(version_dir),
            {name: np.load(version_dir / meta["cards_file"]) for name, meta in self.manifest["backends"].items()},
            self.embedders,
            self.manifest.get("card_ranker"),
        )
        self._article_ids: dict[tuple[str, int], int] = {}
        for c in self.chunks:
            if c.kind == "article" and c.number is not None:
                self._article_ids.setdefault((c.law, c.number), c.id)

    def article(self, law: str, number: int) -> Chunk | None:
        cid = self._article_ids.get((law, number))
        return None if cid is None else self.chunks[cid]

    def search(
        self,
        text: str,
        intent: str | None = None,
        k: int = 5,
        include_uncitable: bool = False,
        components: Components | None = None,
        intent_confidence: float = 0.0,
    ) -> SearchResult:
        comp = components or Components()
        query = self.cards.embed(text)  # one vector per backend, for the cards and the articles alike
        cards = self.cards.match(text, intent, intent_confidence, query=query) if comp.cards else []
        expansions = self.domain.expand(text) if comp.expansion else []
        votes = _Votes()
        q_tokens = tokenize(text)
        if comp.bm25:
            self._bm25_votes(votes, q_tokens, expansions)
        top_cosines = [
            self._dense_votes(votes, name, query[name])
            for name in (comp.dense if comp.dense is not None else tuple(self.dense))
        ]
        if comp.links:
            self._link_votes(votes)
        self._card_votes(votes, cards)
        if comp.priors and intent:
            for prior in self.domain.priors.get(intent, []):
                target = self._article_ids.get((prior.law, prior.article))
                if target is not None:
                    votes.add(
                        target, PRIOR_WEIGHT * prior.weight / (RRF_K + 1), f"意图{intent}先验（权重{prior.weight:g}）"
                    )
        hits, policy_hit = self._collect_hits(votes, k, include_uncitable)

        top = hits[0] if hits else None
        priors = {(p.law, p.article) for p in self.domain.priors.get(intent or "", [])}
        features = {
            "dense_top": sum(top_cosines) / len(top_cosines) if top_cosines else 0.0,
            "agreement": sum(top is not None and r.get(top.chunk_id, CANDIDATES) < 10 for r in votes.ranks.values())
            / max(len(votes.ranks), 1),
            "bm25_coverage": sum(t in self.bm25.vocab for t in q_tokens) / max(len(q_tokens), 1),
            "prior_top": float(top is not None and (top.law, top.article) in priors),
            "oos_top": float(bool(cards) and cards[0].card.intent == OUT_OF_SCOPE and cards[0].probability > 0.5),
        }
        confidence = predict(self.calibration, features) if hits else 0.0
        return SearchResult(
            hits=hits,
            confidence=confidence,
            low_confidence=confidence < CONFIDENCE_THRESHOLD,
            expansions=expansions,
            cards=cards,
            features=features,
            policy_hit=policy_hit,
        )

    def _bm25_votes(self, votes: _Votes, q_tokens: list[str], expansions: list[str]) -> None:
        x_tokens = [t for t in tokenize(" ".join(expansions)) if t not in q_tokens]
        scores = self.bm25.scores(q_tokens + x_tokens, {t: EXPANSION_WEIGHT for t in x_tokens})
        top = [int(i) for i in np.argsort(-scores)[:CANDIDATES] if scores[i] > 0]
        votes.ranks["bm25"] = {cid: r for r, cid in enumerate(top)}
        matched = set(q_tokens + x_tokens)
        for r, cid in enumerate(top):
            words = "、".join(t for t in dict.fromkeys(self.chunks[cid].tokens) if t in matched)
            votes.add(cid, 1.0 / (RRF_K + r + 1), f"BM25第{r + 1}名（{words[:40]}）")

    def _dense_votes(self, votes: _Votes, name: str, vector: np.ndarray) -> float:
        """Vote by one dense backend with the question's own vector (the colloquial-to-legal expansion helps
        BM25 only: appended to the question it moved the dense vector away from the right articles, dev hit@3
        0.77 -> 0.73); returns the cosine of the best in-scope chunk (a confidence signal)."""
        sims, ids = self.dense[name].search(vector.reshape(1, -1), CANDIDATES)
        pairs = [(float(sim), int(cid)) for sim, cid in zip(sims[0], ids[0]) if cid >= 0]
        votes.ranks[name] = {cid: r for r, (_, cid) in enumerate(pairs)}
        for r, (sim, cid) in enumerate(pairs):
            votes.add(cid, 1.0 / (RRF_K + r + 1), f"{name}第{r + 1}名（相似度{sim:.2f}）")
        return pairs[0][0] if pairs else 0.0

    def _link_votes(self, votes: _Votes) -> None:
        """Cases and union-policy texts pass part of their score to the statute articles they cite."""
        for cid, score in votes.ranked()[:CANDIDATES]:
            src = self.chunks[cid]
            for law, number in src.links:
                target = self._article_ids.get((law, number))
                if target is not None:
                    kind = "案例" if src.kind == "section" else "工会文件"
                    votes.add(target, LINK_WEIGHT * score, f"{kind}「{src.label[:20]}」引用")

    def _card_votes(self, votes: _Votes, cards: list[CardHit]) -> None:
        """The most probable answer cards vote for the articles they rest on, by their probability."""
        for hit in cards[:CARD_VOTERS]:
            for (law, number), decay in zip(hit.card.articles, CARD_ARTICLE_DECAY):
                target = self._article_ids.get((law, number))
                if target is not None:
                    votes.add(
                        target,
                        CARD_WEIGHT * hit.probability * decay / (RRF_K + 1),
                        f"答案卡「{hit.card.question[:20]}」（{hit.probability:.2f}）",
                    )

    def _collect_hits(self, votes: _Votes, k: int, include_uncitable: bool) -> tuple[list[Hit], Hit | None]:
        """Top k distinct articles, and the union-policy article the worker's own words find first (BM25's
        first), wherever the fusion ranked it: a document staff just added, before any card rests on it."""
        hits, seen = [], set()
        for cid, score in votes.ranked():
            c = self.chunks[cid]
            if c.kind != "article" or (c.law, c.number) in seen or not (include_uncitable or c.citable):
                continue
            seen.add((c.law, c.number))
            hits.append(self._hit(cid, score, votes))
            if len(hits) == k:
                break
        lexical_first = next((cid for cid, rank in votes.ranks.get("bm25", {}).items() if rank == 0), None)
        policy = self.chunks[lexical_first] if lexical_first is not None else None
        policy_hit = (
            self._hit(lexical_first, votes.scores.get(lexical_first, 0.0), votes)
            if policy is not None and policy.doc_type == "union_policy" and policy.citable and policy.kind == "article"
            else None
        )
        return hits, policy_hit

    def _hit(self, cid: int, score: float, votes: _Votes) -> Hit:
        c = self.chunks[cid]
        return Hit(
            law=c.law,
            article=c.number,
            label=c.label,
            text=c.text,
            score=score,
            why="；".join(votes.reasons[cid]),
            status=c.status,
            doc_type=c.doc_type,
            citable=c.citable,
            chunk_id=cid,
        )


class _Votes:
    """Fused scores per chunk, with the reasons that produced them and each ranked list's ranks."""

    def __init__(self) -> None:
        self.scores: dict[int, float] = {}
        self.reasons: dict[int, list[str]] = {}
        self.ranks: dict[str, dict[int, int]] = {}

    def add(self, cid: int, amount: float, reason: str) -> None:
        self.scores[cid] = self.scores.get(cid, 0.0) + amount
        self.reasons.setdefault(cid, []).append(reason)

    def ranked(self) -> list[tuple[int, float]]:
        return sorted(self.scores.items(), key=lambda kv: -kv[1])
