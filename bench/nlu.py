"""NLU benchmark: the trained Rasa pipeline vs a TF-IDF char n-gram + logistic-regression baseline, and
(with --baseline-ref) vs the pipeline of an earlier commit, in the same run.

Intents: trained on nlu_data/ (and the cards), measured on ../shared/eval/dev.jsonl (never trained on) and on
the own held-out phrasings. Entities: precision and recall of (type, normalised value) pairs on
bench/data/entities.yml (323 messages written by the team); relative dates there are resolved as of the
file's date, so on another day dates are matched by their text instead.
Run:  .venvs/app/bin/python bench/nlu.py [--model models/x.tar.gz] [--skip-train]
          [--baseline-ref GIT_REF --baseline-model OLD.tar.gz]
"""

from __future__ import annotations

import argparse
import collections
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from api.core.settings import PROJECT_ROOT, Settings  # noqa: E402
from api.nlu.client import ParseResult  # noqa: E402
from api.ops.launcher import Supervisor, free_port  # noqa: E402
from api.ops.training import model_path, run_rasa_train  # noqa: E402
from bench.common import load_dev, machine_facts, median, percentile  # noqa: E402
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
    confusions = collections.Counter((r["intents"][0], p) for p, r in zip(predicted, rows) if p not in r["intents"])
    return {"main": main, "any": any_label, "per_intent": per_intent, "confusions": confusions}


def heldout_accuracy(predict, pairs: list[tuple[str, str]]) -> float:
    predicted = predict([t for t, _ in pairs])
    return sum(p == gold for p, (_, gold) in zip(predicted, pairs)) / len(pairs)


ENTITY_SET = PROJECT_ROOT / "bench" / "data" / "entities.yml"


def entity_scores(extract) -> dict:
    """Micro and per-type precision/recall of (type, value) pairs; ``extract(text)`` returns Rasa-style
    entities."""
    data = yaml.safe_load(ENTITY_SET.read_text("utf-8"))
    same_day = str(data["today"]) == date.today().isoformat()

    def key(entity: str, value, text: str) -> tuple[str, str]:
        return (entity, str(value) if entity != "date" or same_day else text)

    tp, pred, gold = collections.Counter(), collections.Counter(), collections.Counter()
    for message in data["messages"]:
        text = message["text"]
        expected = collections.Counter(key(e["entity"], e["value"], e["text"]) for e in message["entities"])
        found = collections.Counter(
            key(e["entity"], e["value"], text[e["start"] : e["end"]])
            for e in extract(text)
            if e["entity"] in ENTITY_TYPES
        )
        for (entity, _), n in (expected & found).items():
            tp[entity] += n
        for (entity, _), n in found.items():
            pred[entity] += n
        for (entity, _), n in expected.items():
            gold[entity] += n
    rows = {t: (tp[t] / pred[t] if pred[t] else 0.0, tp[t] / gold[t] if gold[t] else 0.0, gold[t]) for t in gold}
    total = (sum(tp.values()) / max(sum(pred.values()), 1), sum(tp.values()) / max(sum(gold.values()), 1))
    return {"types": rows, "micro": total, "messages": len(data["messages"])}


ENTITY_TYPES = (
    "district",
    "city",
    "employer_type",
    "law",
    "money",
    "duration",
    "date",
    "headcount",
    "disability_grade",
    "phone",
    "id_number",
)


def measure_rasa(
    model: Path, rows: list[dict], heldout: list[tuple[str, str]], rounds: int, root: Path = PROJECT_ROOT
) -> dict:
    """Intents, entities and latency of one trained model, served by Rasa from the code at ``root``."""
    tmp = Path(tempfile.mkdtemp(prefix="laborbot-bench-rasa-"))
    settings = Settings(var_dir=tmp, rasa_url=f"http://127.0.0.1:{free_port()}")
    supervisor = Supervisor(settings, root=root)
    supervisor.start(model, only={"rasa"})
    try:
        if not supervisor.wait_for_rasa():
            sys.exit(f"Rasa did not start; see {settings.log_dir / 'rasa.log'}")
        client = supervisor.rasa_http()

        def parse(text: str) -> dict:
            return client.post("/model/parse", json={"text": text}).json()

        for row in rows[:10]:  # warm-up
            parse(row["question"])
        latencies: list[float] = []
        predicted: list[str] = []
        for round_no in range(rounds):
            for row in rows:
                start = time.perf_counter()
                intent = ParseResult.from_rasa(parse(row["question"])).intent
                latencies.append((time.perf_counter() - start) * 1000)
                if round_no == 0:
                    predicted.append(intent)
        held = heldout_accuracy(lambda texts: [ParseResult.from_rasa(parse(t)).intent for t in texts], heldout)
        entities = entity_scores(lambda text: parse(text).get("entities") or [])
    finally:
        supervisor.stop()
    return {
        "scores": scores(predicted, rows),
        "heldout": held,
        "entities": entities,
        "latencies": latencies,
        "size_mb": model.stat().st_size / 2**20,
    }


def baseline_worktree(ref: str) -> Path:
    """The repository at ``ref`` in a temporary worktree (its own code, same environments)."""
    path = Path(tempfile.mkdtemp(prefix="laborbot-ref-"))
    subprocess.run(
        ["git", "worktree", "add", "--detach", str(path), ref], cwd=PROJECT_ROOT, check=True, capture_output=True
    )
    return path


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--model", type=Path, help="trained model (default: current content-hash model)")
    ap.add_argument("--skip-train", action="store_true", help="do not time a fresh NLU training run")
    ap.add_argument("--rounds", type=int, default=3, help="latency rounds over the dev set")
    ap.add_argument("--baseline-ref", help="git ref whose code serves --baseline-model, for a same-run comparison")
    ap.add_argument("--baseline-model", type=Path, help="a model trained at --baseline-ref")
    args = ap.parse_args()

    rows = load_dev()
    train_pairs = load_examples(PROJECT_ROOT / "nlu_data")
    heldout = load_examples(PROJECT_ROOT / "tests" / "data" / "nlu_heldout")
    print(f"# NLU benchmark\nmachine: {machine_facts()}")
    print(
        f"training examples: {len(train_pairs)} ({len({i for _, i in train_pairs})} intents); "
        f"dev questions: {len(rows)}; own held-out phrasings: {len(heldout)}"
    )

    tmp = Path(tempfile.mkdtemp(prefix="laborbot-bench-"))
    train_s = None
    if not args.skip_train:
        start = time.perf_counter()
        run_rasa_train(tmp / "nlu-bench.tar.gz", nlu_only=True)
        train_s = time.perf_counter() - start
    model = args.model or (tmp / "nlu-bench.tar.gz" if train_s is not None else model_path())
    ours = measure_rasa(model, rows, heldout, args.rounds)
    earlier = None
    if args.baseline_ref and args.baseline_model:
        worktree = baseline_worktree(args.baseline_ref)
        try:
            earlier = measure_rasa(args.baseline_model, rows, heldout, 1, root=worktree)
        finally:
            subprocess.run(["git", "worktree", "remove", "--force", str(worktree)], cwd=PROJECT_ROOT, check=False)
    from nlu.language import entities as pipeline_entities

    app_entities = entity_scores(pipeline_entities)

    base_predict = baseline_predictor(train_pairs)
    base = scores(base_predict([r["question"] for r in rows]), rows)
    base_heldout = heldout_accuracy(base_predict, heldout)
    latencies = ours["latencies"]

    print("\n| model | dev accuracy (main label) | dev accuracy (any label) | own held-out accuracy | entities P / R |")
    print("|---|---|---|---|---|")
    for name, result in (
        ("laborbot Rasa pipeline (this commit)", ours),
        *(((f"laborbot Rasa pipeline at {args.baseline_ref}", earlier),) if earlier else ()),
    ):
        s, e = result["scores"], result["entities"]["micro"]
        print(f"| {name} | {s['main']:.3f} | {s['any']:.3f} | {result['heldout']:.3f} | {e[0]:.3f} / {e[1]:.3f} |")
    print(f"| baseline TF-IDF char 1–3 + LR | {base['main']:.3f} | {base['any']:.3f} | {base_heldout:.3f} | – |")
    micro = app_entities["micro"]
    print(f"| the app's language pipeline (nlu.language.entities) | – | – | – | {micro[0]:.3f} / {micro[1]:.3f} |")
    print(f"\nentities per type on {app_entities['messages']} messages (precision / recall, n):")
    print("| type | Rasa | app pipeline |" + (f" Rasa at {args.baseline_ref} |" if earlier else ""))
    print("|---|---|---|" + ("---|" if earlier else ""))
    for entity in ENTITY_TYPES:
        cells = [
            result["entities"]["types"].get(entity)
            for result in (ours, {"entities": app_entities}, *((earlier,) if earlier else ()))
        ]
        n = next((c[2] for c in cells if c), 0)
        print(f"| {entity} ({n}) | " + " | ".join(f"{c[0]:.2f} / {c[1]:.2f}" if c else "–" for c in cells) + " |")
    print(
        f"\nparse latency over HTTP (/model/parse, sequential, {len(latencies)} requests): "
        f"p50 {median(latencies):.1f} ms, p95 {percentile(latencies, 95):.1f} ms"
    )
    print(f"training time (NLU, rasa train nlu): {train_s:.0f} s" if train_s else "training time: not measured")
    print(f"model size: {ours['size_mb']:.1f} MiB ({model.name})")
    print("\nper-intent (main label) precision / recall / F1 / support — laborbot vs baseline")
    print("| intent | P | R | F1 | n | baseline F1 |\n|---|---|---|---|---|---|")
    for intent, (p, r, f1, n) in ours["scores"]["per_intent"].items():
        print(
            f"| {intent} | {p:.2f} | {r:.2f} | {f1:.2f} | {n} | {base['per_intent'].get(intent, (0, 0, 0, 0))[2]:.2f} |"
        )
    print("\nconfusion pairs (gold main label → predicted, not among gold labels):")
    for (gold, pred), count in ours["scores"]["confusions"].most_common(12):
        print(f"  {gold} → {pred}: {count}")


if __name__ == "__main__":
    main()
