"""Answer cards: the curated question-and-answer bank the bot answers from.

A card is one question workers ask, answered the way a union hotline would: the direct answer first
(yes/no, the amount or formula, the deadline, where to go), then conditions, at most three next steps
for this question, and the statute articles it rests on. Cards are data (knowledge_base/documents/faq/
*.yml, one file per topic; staff edit them in /admin), and every phrasing on a card is labelled
training data for the NLU and the retriever.

    python -m knowledge_base.cards check            # every card against the schema and the corpus
    python -m knowledge_base.cards show 劳动合同法 47  # an article's text, to write or review a card
"""

from __future__ import annotations

import re
import sys
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from .corpus import load_yaml

CARD_ID = re.compile(r"^[a-z0-9][a-z0-9-]{2,80}$")  # also the file name of a staff-edited card
# Forms a card can start; the dialogue fills in what the worker already told (actions/forms).
CALCULATORS = ("severance", "overtime", "double_wage", "annual_leave", "arbitration")
# Facts from the question that make an answer concrete (knowledge_base/facts.py fills them in).
FACTS = (
    "disability_grade",
    "illegal_employer_grade",
    "severance",
    "illegal_dismissal",
    "double_wage",
    "annual_leave",
    "maternity_leave",
    "probation",
    "unemployment_benefit",
    "death_benefit",
    "arbitration_deadline",
    "overtime_pay",
    "retirement_age",
    "retirement_age_check",
    "pension_minimum_years",
)
# Who a card's rule is for, when a worker's stated facts can rule it out (knowledge_base/facts.py): a card for
# workers below their retirement age does not answer a 67-year-old, whatever the wording.
PREMISES = ("below_retirement_age", "past_retirement_age")
MIN_VARIANTS = 6
ANSWER_LIMIT = 160  # characters of the direct answer a worker reads first
DETAILS_LIMIT = 240
STEP_LIMIT = 70
MAX_STEPS = 3
NON_TOPIC = ("out_of_scope",)  # referral cards: no statute needed


@dataclass
class AnswerCard:
    id: str
    intent: str
    question: str  # the canonical question, as staff would title it
    variants: list[str]  # how workers actually type it
    answer: str  # direct answer first, at most ANSWER_LIMIT characters
    articles: list[tuple[str, int]]  # (document short title, article number), most relevant first
    details: str = ""  # conditions and exceptions
    steps: list[str] = field(default_factory=list)  # next steps that fit this question
    related: list[str] = field(default_factory=list)  # ids of cards a worker often asks next
    calculator: str | None = None
    facts: str | None = None
    premise: str | None = None  # one of PREMISES: whom the answer is for
    status: str = "in_force"
    source_path: str = ""

    @property
    def phrasings(self) -> list[str]:
        return [self.question, *self.variants]

    @property
    def search_text(self) -> str:
        return "\n".join(self.phrasings) + "\n" + self.answer

    def to_dict(self) -> dict:
        """The YAML shape (the order staff read it in); empty optional fields are left out."""
        out: dict = {
            "id": self.id,
            "intent": self.intent,
            "question": self.question,
            "variants": self.variants,
            "answer": self.answer,
        }
        if self.details:
            out["details"] = self.details
        if self.steps:
            out["steps"] = self.steps
        out["articles"] = [{"law": law, "article": number} for law, number in self.articles]
        for key in ("related", "calculator", "facts", "premise"):
            if getattr(self, key):
                out[key] = getattr(self, key)
        if self.status != "in_force":
            out["status"] = self.status
        return out


def card_from_dict(raw: dict, source_path: str = "") -> AnswerCard:
    """One card from YAML; the early single-list form (`questions`, first one canonical) reads too."""
    phrasings = [str(q).strip() for q in raw.get("questions") or []]
    question = str(raw.get("question") or (phrasings[0] if phrasings else "")).strip()
    variants = [str(v).strip() for v in raw.get("variants") or phrasings[1:]]
    return AnswerCard(
        id=str(raw.get("id", "")),
        intent=str(raw.get("intent") or ""),
        question=question,
        variants=variants,
        answer=_text(raw.get("answer")),
        details=_text(raw.get("details")),
        steps=[_text(s) for s in raw.get("steps") or []],
        articles=[(str(a["law"]), int(a["article"])) for a in raw.get("articles") or []],
        related=[str(r) for r in raw.get("related") or []],
        calculator=raw.get("calculator") or None,
        facts=raw.get("facts") or None,
        premise=raw.get("premise") or None,
        status=str(raw.get("status") or "in_force"),
        source_path=source_path,
    )


def _text(value) -> str:
    return " ".join(str(value or "").split())


def read_card_file(path: Path, source_path: str) -> list[AnswerCard]:
    data = load_yaml(path.read_text(encoding="utf-8")) or {}
    return [card_from_dict(raw, source_path) for raw in data.get("cards") or []]


def load_cards(kb_docs_dir: Path) -> list[AnswerCard]:
    cards = []
    for path in sorted((kb_docs_dir / "faq").glob("*.yml")):
        cards += read_card_file(path, str(path.relative_to(kb_docs_dir)))
    ids = Counter(c.id for c in cards)
    if any(n > 1 for n in ids.values()):
        raise ValueError(f"duplicate card ids: {sorted(i for i, n in ids.items() if n > 1)}")
    return cards


_PUNCT = re.compile(r"[\W_]+")
_SENTENCE_END = re.compile(r"(?<=[。！？])")
OPENING_MIN = 12


def opening(answer: str, enough: int = OPENING_MIN) -> str:
    """The words a worker reads first: the first sentence, extended past a bare "能。"/"不合法。" verdict,
    which many cards share, to the sentence that says why (whole sentences up to ``enough`` characters)."""
    text = ""
    for sentence in _SENTENCE_END.split(answer.strip()):
        text += sentence
        if len(text) >= enough:
            break
    return text.strip()


def normalise(text: str) -> str:
    """What makes two phrasings 'the same' for a worker: width, case, spaces and punctuation ignored."""
    return _PUNCT.sub("", unicodedata.normalize("NFKC", text).lower())


def card_problems(card: AnswerCard, citable: set[tuple[str, int]], topic_intents: set[str]) -> list[str]:
    """What is wrong with one card on its own (the bank-wide checks are in bank_problems)."""
    where = f"{card.source_path}:{card.id or '?'}"
    problems = []
    if not CARD_ID.fullmatch(card.id):
        problems.append("id must be 3–81 lower-case letters, digits and hyphens")
    if card.intent not in topic_intents and card.intent not in NON_TOPIC:
        problems.append(f"intent {card.intent!r} is not a topic intent of the taxonomy")
    if not card.question:
        problems.append("no canonical question")
    if len(card.variants) < MIN_VARIANTS:
        problems.append(f"{len(card.variants)} variants, at least {MIN_VARIANTS} needed")
    if not card.answer:
        problems.append("no direct answer")
    elif len(card.answer) > ANSWER_LIMIT:
        problems.append(f"answer has {len(card.answer)} characters, at most {ANSWER_LIMIT}")
    if len(card.details) > DETAILS_LIMIT:
        problems.append(f"details have {len(card.details)} characters, at most {DETAILS_LIMIT}")
    if len(card.steps) > MAX_STEPS or any(len(s) > STEP_LIMIT for s in card.steps):
        problems.append(f"at most {MAX_STEPS} steps of at most {STEP_LIMIT} characters")
    if card.intent not in NON_TOPIC and not card.articles:
        problems.append("no article to rest on")
    problems += [f"{law} 第{n}条 is missing or not in force" for law, n in card.articles if (law, n) not in citable]
    if card.calculator not in (None, *CALCULATORS):
        problems.append(f"unknown calculator {card.calculator!r}")
    if card.facts not in (None, *FACTS):
        problems.append(f"unknown facts {card.facts!r}")
    if card.premise not in (None, *PREMISES):
        problems.append(f"unknown premise {card.premise!r}")
    return [f"{where}: {p}" for p in problems]


def bank_problems(cards: list[AnswerCard], citable: set[tuple[str, int]], topic_intents: set[str]) -> list[str]:
    problems = [p for card in cards for p in card_problems(card, citable, topic_intents)]
    ids = {c.id for c in cards}
    owner: dict[str, str] = {}
    for card in cards:
        problems += [f"{card.id}: related card {r!r} does not exist" for r in card.related if r not in ids]
        for phrasing in card.phrasings:
            key = normalise(phrasing)
            if key in owner and owner[key] != card.id:
                problems.append(f"{card.id}: phrasing {phrasing!r} is also on {owner[key]}")
            elif key in owner:
                problems.append(f"{card.id}: phrasing {phrasing!r} appears twice")
            owner[key] = card.id
    first_words = Counter(opening(c.answer) for c in cards)
    problems += [
        f"{c.id}: answer opens like another card: {opening(c.answer)!r}"
        for c in cards
        if first_words[opening(c.answer)] > 1
    ]
    return problems


# --- command line: check the bank, show an article -------------------------------------------------------


def _corpus_articles(corpus_dir: Path, kb_docs_dir: Path) -> dict[tuple[str, int], tuple[str, str]]:
    """(law, number) -> (status, text) for every statute and policy article."""
    from .manifest import load_corpus_documents, load_manifest, load_policy_documents

    docs = load_corpus_documents(corpus_dir, load_manifest()) + load_policy_documents(kb_docs_dir)
    return {(a.law, a.number): (d.status, a.text) for d in docs for a in d.articles if a.number is not None}


def _topic_intents(taxonomy: Path) -> set[str]:
    return set((load_yaml(taxonomy.read_text(encoding="utf-8")) or {}).get("topic_intents") or {})


def main(argv: list[str]) -> int:
    root = Path(__file__).resolve().parents[1]
    shared = root.parent / "shared"
    docs_dir = root / "knowledge_base" / "documents"
    articles = _corpus_articles(shared / "corpus", docs_dir)
    if argv[:1] == ["show"] and len(argv) == 3:
        status, text = articles.get((argv[1], int(argv[2])), ("missing", ""))
        print(f"[{status}]\n{text}")
        return 0 if text else 1
    if argv[:1] != ["check"]:
        print(__doc__)
        return 2
    cards = load_cards(docs_dir)
    citable = {key for key, (status, _) in articles.items() if status == "in_force"}
    problems = bank_problems(cards, citable, _topic_intents(shared / "taxonomy.yml"))
    for problem in problems:
        print(problem)
    per_intent = Counter(c.intent for c in cards)
    print(
        f"{len(cards)} cards, {sum(len(c.variants) for c in cards)} variants; "
        + ", ".join(f"{k} {v}" for k, v in sorted(per_intent.items()))
        + f"; {len(problems)} problems"
    )
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
