"""Conversation benchmark: typos and unusual phrasings must not silence the bot with a lawyer case.

    .venvs/app/bin/python bench/conversation.py [--nlu rasa|gold] [--index DIR]

Method: every message of bench/data/typo_messages.yml (150 messages written blind to the cards and the NLU
data: 120 labour questions full of typos and dialect, 15 requests for a person, 15 dangers now) is sent
as the first message of a new conversation through the decision the live bot makes (compose_reply: the
trained Rasa NLU, the knowledge base, triage). Reported: cases opened without a reason a lawyer would
accept (a question turned into a case), cases missed (a request or a danger not escalated), and what
the questions got (an answer, an answer with choices, choices and the offer of a person).
"""

from __future__ import annotations

import argparse
import collections
import sys
import tempfile
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from api.assistant.reply import compose_reply  # noqa: E402
from api.core.settings import PROJECT_ROOT, Settings  # noqa: E402
from bench.answers import Nlu  # noqa: E402
from bench.common import machine_facts  # noqa: E402
from knowledge_base.index import Sources, build_index  # noqa: E402
from knowledge_base.service import KnowledgeBase  # noqa: E402

MESSAGES = PROJECT_ROOT / "bench" / "data" / "typo_messages.yml"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--nlu", choices=("rasa", "gold"), default="rasa")
    ap.add_argument("--index", type=Path)
    args = ap.parse_args()
    rows = yaml.safe_load(MESSAGES.read_text(encoding="utf-8"))["messages"]
    print(f"# Conversation benchmark\nmachine: {machine_facts()}\nmessages: {len(rows)}; intent from: {args.nlu}")
    with tempfile.TemporaryDirectory(prefix="kb-conversation-") as tmp:
        index = args.index or Path(tmp) / "index"
        if args.index is None:  # the repository's knowledge base, without any staff edits of this machine
            build_index(Sources.from_settings(Settings(var_dir=Path(tmp))), index)
        kb = KnowledgeBase(index)
        kb.reload()
        nlu = Nlu(args.nlu, None)
        try:
            outcomes = [(row, compose_reply(nlu.parse(row["text"], None), kb)) for row in rows]
        finally:
            nlu.close()
    unwarranted = [(r, reply) for r, reply in outcomes if reply.escalate and not r["expect_case"]]
    missed = [(r, reply) for r, reply in outcomes if not reply.escalate and r["expect_case"]]
    questions = [reply for r, reply in outcomes if not r["expect_case"]]
    kinds = collections.Counter(reply.kind for reply in questions)
    print("\n| messages | cases expected | cases opened | opened without a reason | missed |")
    print("|---|---|---|---|---|")
    print(
        f"| {len(rows)} | {sum(r['expect_case'] for r in rows)} | {sum(reply.escalate for _, reply in outcomes)} | "
        f"{len(unwarranted)} | {len(missed)} |"
    )
    print("\nwhat the 120 questions got: " + ", ".join(f"{k} {v}" for k, v in kinds.most_common()))
    for r, reply in unwarranted:
        print(f"  opened without a reason: {r['text']} → {reply.reasons}")
    for r, reply in missed:
        print(f"  missed: {r['text']} → {reply.intent} {reply.kind}")


if __name__ == "__main__":
    main()
