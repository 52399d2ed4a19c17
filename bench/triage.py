"""Per-risk precision / recall / F1 of api.triage on tests/data/triage_cases.yml.

Usage: .venvs/app/bin/python bench/triage.py [--split dev|dev2|blind2] [--errors]
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from api.triage import triage  # noqa: E402
from api.triage.table import load_table  # noqa: E402

CASES_PATH = ROOT / "tests" / "data" / "triage_cases.yml"


@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def load_cases(split: str | None = None) -> list[dict]:
    cases = yaml.safe_load(CASES_PATH.read_text(encoding="utf-8"))["cases"]
    return [c for c in cases if split is None or c.get("split", "dev") == split]


def detected_risks(text: str) -> set[str]:
    # A confident, well-retrieved topic question: only the risk rules can escalate it.
    result = triage(text, intent="labor_contract")
    return {r.removeprefix("risk:") for r in result.reasons if r.startswith("risk:")}


def evaluate(cases: list[dict]) -> tuple[dict[str, Score], Score, list[tuple[str, set, set]]]:
    """Scores per risk, micro-averaged overall, and the misclassified cases."""
    scores = {risk.name: Score() for risk in load_table().risks}
    errors = []
    for case in cases:
        expected, got = set(case["risks"]), detected_risks(case["text"])
        for name, score in scores.items():
            score.tp += name in expected and name in got
            score.fp += name not in expected and name in got
            score.fn += name in expected and name not in got
        if expected != got:
            errors.append((case["text"], expected, got))
    overall = Score(*(sum(getattr(s, f) for s in scores.values()) for f in ("tp", "fp", "fn")))
    return scores, overall, errors


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", help="a `split` label of the case file (unlabelled cases are dev); default: all")
    parser.add_argument("--errors", action="store_true", help="list misclassified cases")
    args = parser.parse_args()
    cases = load_cases(args.split)
    scores, overall, errors = evaluate(cases)
    negatives = sum(1 for c in cases if not c["risks"])
    print(f"{len(cases)} cases ({negatives} without risk), split={args.split or 'all'}")
    print(f"{'risk':<22}{'support':>8}{'precision':>11}{'recall':>8}{'F1':>7}")
    for name, s in [*scores.items(), ("overall (micro)", overall)]:
        print(f"{name:<22}{s.tp + s.fn:>8}{s.precision:>11.3f}{s.recall:>8.3f}{s.f1:>7.3f}")
    flagged_negatives = sum(1 for text, exp, got in errors if not exp and got)
    print(f"risk-free messages flagged: {flagged_negatives}/{negatives}")
    if args.errors:
        for text, expected, got in errors:
            print(f"  {text}  expected={sorted(expected)} got={sorted(got)}")


if __name__ == "__main__":
    main()
