"""Answer benchmark: do replies answer the question asked, with the right articles, on a phone screen?

    .venvs/app/bin/python bench/answers.py [--nlu rasa|gold] [--model models/x.tar.gz] [--dump FILE]

Method: a fresh index is built from the repo's knowledge base into a temporary directory. Every dev
question (../shared/eval/dev.jsonl, never trained on) gets the reply POST /api/v1/ask would give
(api.assistant.reply.compose_reply) with the intent from the trained Rasa model (--nlu rasa, the default
when a model exists) or the labelled intent (--nlu gold). Measured:
- hit@1 / hit@3: a labelled (law, article) is the first / among the first three citations;
- unique opening: the reply's opening words (knowledge_base.cards.opening) belong to its card alone (not
  words several cards or the fixed texts share);
- characters before citations (the bubble a worker reads on a phone), "no basis" replies (no citation
  and no answer for a question that has labelled articles), the kinds of replies and cases opened;
- the same answer machinery on the held-out phrasings written with the cards (bench/data/heldout/, never
  trained on): the labelled card first / among the top 3 candidates, and answered with that card.
--dump writes every dev reply as JSON lines (outside the repository) for scoring with the rubric.
"""

from __future__ import annotations

import argparse
import collections
import json
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from api.assistant.reply import compose_reply, understood  # noqa: E402
from api.core.settings import Settings  # noqa: E402
from api.nlu.client import ParseResult  # noqa: E402
from bench.common import load_dev, load_heldout, machine_facts, median, percentile  # noqa: E402
from knowledge_base.cards import opening  # noqa: E402
from knowledge_base.index import Sources, build_index  # noqa: E402
from knowledge_base.service import KnowledgeBase  # noqa: E402
from phrasebook import say  # noqa: E402


class Nlu:
    """Intent and entities from the trained Rasa model over HTTP, or the labelled intent."""

    def __init__(self, mode: str, model: Path | None) -> None:
        self.mode, self.supervisor, self.client = mode, None, None
        if mode == "rasa":
            from api.ops.launcher import Supervisor, free_port
            from api.ops.training import model_path

            model = model or model_path()
            if not model.exists():
                sys.exit(f"no trained model at {model}: run `laborbot train` or use --nlu gold")
            port = free_port()
            settings = Settings(
                var_dir=Path(tempfile.mkdtemp(prefix="bench-answers-")), rasa_url=f"http://127.0.0.1:{port}"
            )
            self.supervisor = Supervisor(settings)
            self.supervisor.start(model, only={"rasa"})
            if not self.supervisor.wait_for_rasa():
                sys.exit(f"Rasa did not start; see {settings.log_dir / 'rasa.log'}")
            self.client = self.supervisor.rasa_http()

    def parse(self, text: str, gold_intent: str | None) -> ParseResult:
        if self.client is not None:
            return understood(ParseResult.from_rasa(self.client.post("/model/parse", json={"text": text}).json()))
        return ParseResult(text=text, intent=gold_intent or "out_of_scope", confidence=0.9)

    def close(self) -> None:
        if self.supervisor is not None:
            self.supervisor.stop()


def openings_by_card(kb: KnowledgeBase) -> collections.Counter:
    """How many cards open with each sentence (a sentence shared by cards says nothing specific)."""
    retriever = kb._require()
    return collections.Counter(opening(c.answer) for c in retriever.cards.cards)


def is_unique_opening(reply, shared: collections.Counter, fixed: tuple[str, ...]) -> bool:
    """Whether the reply opens with words of its own card (not a fixed text such as the unsure line that
    introduces guesses, nor a sentence several cards share)."""
    if not reply.cards or reply.answer.startswith(fixed):
        return False
    return shared.get(opening(reply.answer), 0) <= 1


def evaluate_dev(kb: KnowledgeBase, nlu: Nlu, rows: list[dict], dump: Path | None) -> dict:
    shared = openings_by_card(kb)
    fixed = tuple(
        say(k) for k in ("answer.unsure_no_topic", "answer.unsure_guess", "answer.out_of_scope", "answer.rephrase")
    )
    labelled = [r for r in rows if r.get("articles")]
    hit1 = hit3 = no_basis = unique = 0
    lengths, kinds, cases, seconds = [], collections.Counter(), 0, []
    out = dump.open("w", encoding="utf-8") if dump else None
    for row in rows:
        parsed = nlu.parse(row["question"], row["intents"][0] if row.get("intents") else None)
        start = time.perf_counter()
        reply = compose_reply(parsed, kb)
        seconds.append(time.perf_counter() - start)
        cited = [(c.law, c.article) for c in reply.citations]
        gold = {(a["law"], int(a["article"])) for a in row.get("articles") or []}
        if gold:
            hit1 += bool(cited[:1] and cited[0] in gold)
            hit3 += bool(gold & set(cited[:3]))
            no_basis += not reply.citations and not reply.cards
        unique += is_unique_opening(reply, shared, fixed)
        lengths.append(len(reply.answer))
        kinds[reply.kind] += 1
        cases += reply.escalate
        if out:
            out.write(
                json.dumps(
                    {"id": row["id"], "question": row["question"], "intent": reply.intent, "reply": reply.model_dump()},
                    ensure_ascii=False,
                )
                + "\n"
            )
    if out:
        out.close()
    n = len(labelled) or 1
    return {
        "n": len(rows),
        "labelled": len(labelled),
        "hit@1": hit1 / n,
        "hit@3": hit3 / n,
        "unique_opening": unique / len(rows),
        "median_chars": median(lengths),
        "p90_chars": percentile(lengths, 90),
        "no_basis": no_basis,
        "kinds": kinds,
        "cases": cases,
        "p95_ms": percentile(seconds, 95) * 1000,
    }


def evaluate_heldout(kb: KnowledgeBase, nlu: Nlu, rows: list[tuple[str, str]]) -> dict:
    retriever = kb._require()
    intents = {c.id: c.intent for c in retriever.cards.cards}
    top1 = top3 = answered = framed = 0
    kinds: collections.Counter = collections.Counter()
    for card_id, text in rows:
        parsed = nlu.parse(text, intents.get(card_id))
        ranked = [h.id for h in retriever.cards.match(text, parsed.intent, parsed.confidence, k=3)]
        top1 += ranked[:1] == [card_id]
        top3 += card_id in ranked
        reply = compose_reply(parsed, kb)
        kinds[reply.kind] += 1
        answered += card_id in reply.cards and reply.kind in ("card", "cards")
        framed += card_id in reply.cards and reply.kind == "probable"
    n = len(rows) or 1
    return {
        "n": len(rows),
        "top1": top1 / n,
        "top3": top3 / n,
        "answered": answered / n,
        "framed": (answered + framed) / n,
        "kinds": kinds,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--nlu", choices=("rasa", "gold"), default=None)
    ap.add_argument("--model", type=Path)
    ap.add_argument("--dump", type=Path, help="write the dev replies here (JSON lines), e.g. /tmp/replies.jsonl")
    ap.add_argument("--index", type=Path, help="use this built index directory instead of building one")
    args = ap.parse_args()
    from api.ops.training import model_path

    mode = args.nlu or ("rasa" if (args.model or model_path()).exists() else "gold")
    print(f"# Answer benchmark\nmachine: {machine_facts()}\nintent from: {mode}")
    with tempfile.TemporaryDirectory(prefix="kb-answers-") as tmp:
        started = time.perf_counter()
        index = args.index or Path(tmp) / "index"
        if args.index is None:  # the repository's knowledge base, without any staff edits of this machine
            build_index(Sources.from_settings(Settings(var_dir=Path(tmp))), index)
        kb = KnowledgeBase(index)
        kb.reload()
        cards = kb._require().cards.cards
        print(
            f"index ready in {time.perf_counter() - started:.0f} s: {len(cards)} cards, "
            f"{sum(len(c.phrasings) for c in cards)} phrasings"
        )
        nlu = Nlu(mode, args.model)
        try:
            dev = evaluate_dev(kb, nlu, load_dev(), args.dump)
            held = evaluate_heldout(kb, nlu, load_heldout())
        finally:
            nlu.close()
    print(f"\n## dev ({dev['n']} real questions, {dev['labelled']} with labelled articles)\n")
    print('| hit@1 | hit@3 | unique opening | median chars | p90 chars | "no basis" | cases opened | p95 reply ms |')
    print("|---|---|---|---|---|---|---|---|")
    print(
        f"| {dev['hit@1']:.3f} | {dev['hit@3']:.3f} | {dev['unique_opening']:.3f} | {dev['median_chars']:.0f} | "
        f"{dev['p90_chars']:.0f} | {dev['no_basis']} | {dev['cases']} | {dev['p95_ms']:.0f} |"
    )
    print("reply kinds: " + ", ".join(f"{k} {v}" for k, v in dev["kinds"].most_common()))
    print(f"\n## own held-out phrasings ({held['n']}, written with the cards, never trained on)\n")
    print("| right card first | right card in top 3 | answered with it | answered with it, incl. “如果您问的是” |")
    print("|---|---|---|---|")
    print(f"| {held['top1']:.3f} | {held['top3']:.3f} | {held['answered']:.3f} | {held['framed']:.3f} |")
    print("reply kinds: " + ", ".join(f"{k} {v}" for k, v in held["kinds"].most_common()))


if __name__ == "__main__":
    main()
