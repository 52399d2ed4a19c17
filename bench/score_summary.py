"""Figures of a rubric scores file (bench/results/answer_rubric_scores.jsonl by default).

.venvs/app/bin/python bench/score_summary.py [FILE]
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

DEFAULT = Path(__file__).resolve().parent / "results" / "answer_rubric_scores.jsonl"


def main() -> None:
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    n = len(rows)

    def share(key: str, value: int = 1) -> float:
        return sum(r[key] == value for r in rows) / n

    print(f"{n} replies scored ({path.name})\n")
    print("| answers = 2 | mean answers | correct | mean cites_relevant | triage_ok | phone_ok |")
    print("|---|---|---|---|---|---|")
    print(
        f"| {share('answers', 2):.3f} | {sum(r['answers'] for r in rows) / n:.2f} | {share('correct'):.3f} | "
        f"{sum(r['cites_relevant'] for r in rows) / n:.2f} | {share('triage_ok'):.3f} | {share('phone_ok'):.3f} |"
    )


if __name__ == "__main__":
    main()
