"""NLU benchmark: the trained Rasa pipeline vs a TF-IDF char n-gram + logistic-regression baseline.

Both are trained on the same nlu_data/ and measured on ../shared/eval/dev.jsonl (never trained on).
Run:  .venvs/app/bin/python bench/nlu.py [--model models/x.tar.gz] [--skip-train]
"""
from __future__ import annotations

import argparse
import collections
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import load_dev, machine_facts, median, percentile  # noqa: E402
from api.core.settings import PROJECT_ROOT, Settings  # noqa: E402
from api.nlu.client import ParseResult  # noqa: E402
from api.ops.launcher import Supervisor, free_port  # noqa: E402
from api.ops.training import model_path, run_rasa_train  # noqa: E402
from nlu.training_data import load_examples  # noqa: E402


def baseline_predictor(train_pairs: list[tuple[str, str]]):
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    model = make_pipeline(
        TfidfVectorizer(analyzer="char", ngram_range=(1, 3), sublinear_tf=True),
        LogisticRegression(C=10, max_iter=3000),
    )
    model.fit([t for t, _ in train_pairs], [i for _, i in train_pairs])
    return lambda texts: [str(p) for p in model.predict(texts)]


def scores(predicted: list[str], rows: list[dict]) -> dict:
    main = sum(p == r["intents"][0] for p, r in zip(predicted, rows)) / len(rows)
    any_label = sum(p in r["intents"] for p, r in zip(predicted, rows)) / len(rows)
    per_intent = {}
    for intent in sorted({r["intents"][0] for r in rows} | set(predicted)):
        tp = sum(p == intent == r["intents"][0] for p, r in zip(predicted, rows))
        n_pred = sum(p == intent for p in predicted)
        n_gold = sum(r["intents"][0] == intent for r in rows)
        prec = tp / n_pred if n_pred else 0.0
        rec = tp / n_gold if n_gold else 0.0
        f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
        per_intent[intent] = (prec, rec, f1, n_gold)
    confusions = collections.Counter(
        (r["intents"][0], p) for p, r in zip(predicted, rows) if p not in r["intents"]
    )
    return {"main": main, "any": any_label, "per_intent": per_intent, "confusions": confusions}


def heldout_accuracy(predict, pairs: list[tuple[str, str]]) -> float:
    predicted = predict([t for t, _ in pairs])
    return sum(p == gold for p, (_, gold) in zip(predicted, pairs)) / len(pairs)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--model", type=Path, help="trained model (default: current content-hash model)")
    ap.add_argument("--skip-train", action="store_true", help="do not time a fresh NLU training run")
    ap.add_argument("--rounds", type=int, default=3, help="latency rounds over the dev set")
    args = ap.parse_args()

    rows = load_dev()
    train_pairs = load_examples(PROJECT_ROOT / "nlu_data")
    heldout = load_examples(PROJECT_ROOT / "tests" / "data" / "nlu_heldout")
    print(f"# NLU benchmark\nmachine: {machine_facts()}")
    print(f"training examples: {len(train_pairs)} ({len({i for _, i in train_pairs})} intents); "
          f"dev questions: {len(rows)}; own held-out phrasings: {len(heldout)}")

    tmp = Path(tempfile.mkdtemp(prefix="laborbot-bench-"))
    train_s = None
    if not args.skip_train:
        start = time.perf_counter()
        run_rasa_train(tmp / "nlu-bench.tar.gz", nlu_only=True)
        train_s = time.perf_counter() - start
    model = args.model or (tmp / "nlu-bench.tar.gz" if train_s is not None else model_path())
    size_mb = model.stat().st_size / 2**20

    port = free_port()
    settings = Settings(var_dir=tmp, rasa_url=f"http://127.0.0.1:{port}")
    supervisor = Supervisor(settings)
    supervisor.start(model, only={"rasa"})
    try:
        if not supervisor.wait_for_rasa():
            sys.exit(f"Rasa did not start; see {settings.log_dir / 'rasa.log'}")
        client = supervisor.rasa_http()

        def parse(text: str) -> str:
            return ParseResult.from_rasa(client.post("/model/parse", json={"text": text}).json()).intent

        for row in rows[:10]:  # warm-up
            parse(row["question"])
        latencies: list[float] = []
        predicted: list[str] = []
        for round_no in range(args.rounds):
            for row in rows:
                start = time.perf_counter()
                intent = parse(row["question"])
                latencies.append((time.perf_counter() - start) * 1000)
                if round_no == 0:
                    predicted.append(intent)
        rasa_predict = lambda texts: [parse(t) for t in texts]  # noqa: E731
        rasa_heldout = heldout_accuracy(rasa_predict, heldout)
    finally:
        supervisor.stop()

    base_predict = baseline_predictor(train_pairs)
    base_pred = base_predict([r["question"] for r in rows])
    ours, base = scores(predicted, rows), scores(base_pred, rows)
    base_heldout = heldout_accuracy(base_predict, heldout)

    print("\n| model | dev accuracy (main label) | dev accuracy (any label) | own held-out accuracy |")
    print("|---|---|---|---|")
    print(f"| laborbot Rasa pipeline | {ours['main']:.3f} | {ours['any']:.3f} | {rasa_heldout:.3f} |")
    print(f"| baseline TF-IDF char 1–3 + LR | {base['main']:.3f} | {base['any']:.3f} | {base_heldout:.3f} |")
    print(f"\nparse latency over HTTP (/model/parse, sequential, {len(latencies)} requests): "
          f"p50 {median(latencies):.1f} ms, p95 {percentile(latencies, 95):.1f} ms")
    print(f"training time (NLU, rasa train nlu): {train_s:.0f} s" if train_s else "training time: not measured")
    print(f"model size: {size_mb:.1f} MiB ({model.name})")
    print("\nper-intent (main label) precision / recall / F1 / support — laborbot vs baseline")
    print("| intent | P | R | F1 | n | baseline F1 |\n|---|---|---|---|---|---|")
    for intent, (p, r, f1, n) in ours["per_intent"].items():
        print(f"| {intent} | {p:.2f} | {r:.2f} | {f1:.2f} | {n} | {base['per_intent'].get(intent, (0, 0, 0, 0))[2]:.2f} |")
    print("\nconfusion pairs (gold main label → predicted, not among gold labels):")
    for (gold, pred), count in ours["confusions"].most_common(12):
        print(f"  {gold} → {pred}: {count}")


if __name__ == "__main__":
    main()
