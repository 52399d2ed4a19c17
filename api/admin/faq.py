"""The answer-card editor: form fields -> card, with every linked article checked against the serving index,
and the card list's search and hit counts (which cards workers' questions were answered with)."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.assistant.intents import OUT_OF_SCOPE, TOPIC_INTENTS
from api.conversation.models import ConversationMessage, utcnow
from knowledge_base.cards import (
    ANSWER_LIMIT,
    CALCULATORS,
    DETAILS_LIMIT,
    FACTS,
    MAX_STEPS,
    PREMISES,
    card_from_dict,
    normalise,
)
from knowledge_base.corpus import cn_to_int
from knowledge_base.overlay import corpus_overrides

CARD_INTENTS = sorted(TOPIC_INTENTS) + [OUT_OF_SCOPE]
# "劳动合同法 第47条", "《劳动合同法》第四十七条", "劳动合同法 47"
_ARTICLE = re.compile(
    r"^《?(?:中华人民共和国)?(?P<law>[^》]+?)》?\s*第?\s*(?P<num>[0-9零〇一二三四五六七八九十百千两]+)\s*条?$"
)
_LIST = re.compile(r"[\s,，、;；]+")
STAFF_MIN_VARIANTS = 3  # a card staff create from unanswered questions may start small; the bank test asks 6


@dataclass
class CardForm:
    id: str = ""
    intent: str = ""
    question: str = ""
    variants: str = ""  # one phrasing per line
    answer: str = ""
    details: str = ""
    steps: str = ""  # one step per line
    articles: str = ""  # one article per line
    related: str = ""  # card ids
    calculator: str = ""
    facts: str = ""
    premise: str = ""
    errors: list[str] = field(default_factory=list)

    @classmethod
    def from_card(cls, raw: dict) -> CardForm:
        card = card_from_dict(raw)
        return cls(
            id=card.id,
            intent=card.intent,
            question=card.question,
            variants="\n".join(card.variants),
            answer=card.answer,
            details=card.details,
            steps="\n".join(card.steps),
            articles="\n".join(f"{law} 第{n}条" for law, n in card.articles),
            related=" ".join(card.related),
            calculator=card.calculator or "",
            facts=card.facts or "",
            premise=card.premise or "",
        )


def parse_card(form: CardForm, kb, overlay_dir, known_ids: set[str]) -> dict | None:
    """The card to save, or None with ``form.errors`` saying what to fix (all problems at once)."""
    question = form.question.strip()
    variants = [v.strip() for v in form.variants.splitlines() if v.strip()]
    steps = [s.strip() for s in form.steps.splitlines() if s.strip()]
    related = [r for r in _LIST.split(form.related.strip()) if r]
    if not question:
        form.errors.append("请填写标准问题。")
    if len(variants) < STAFF_MIN_VARIANTS:
        form.errors.append(f"请至少写 {STAFF_MIN_VARIANTS} 种职工的问法（口语、错别字都可以），越多越容易被找到。")
    if len({normalise(p) for p in [question, *variants]}) < len([question, *variants]):
        form.errors.append("有重复的问法，请删掉重复的。")
    if len(form.answer.strip()) < 10:
        form.errors.append("回答太短，请用完整的句子直接回答（至少 10 个字）。")
    elif len(form.answer.strip()) > ANSWER_LIMIT:
        form.errors.append(
            f"直接回答最多 {ANSWER_LIMIT} 个字（现在 {len(form.answer.strip())} 个），条件和例外请写在“补充说明”里。"
        )
    if len(form.details.strip()) > DETAILS_LIMIT:
        form.errors.append(f"补充说明最多 {DETAILS_LIMIT} 个字。")
    if len(steps) > MAX_STEPS:
        form.errors.append(f"下一步最多 {MAX_STEPS} 条。")
    if form.intent not in CARD_INTENTS:
        form.errors.append("请选择问题类别。")
    if form.calculator and form.calculator not in CALCULATORS:
        form.errors.append("请选择计算器。")
    if form.facts and form.facts not in FACTS:
        form.errors.append("请选择要用到的职工情况。")
    if form.premise and form.premise not in PREMISES:
        form.errors.append("请选择这张卡片适用的人群。")
    unknown = [r for r in related if r not in known_ids]
    if unknown:
        form.errors.append(f"相关问题里的卡片不存在：{'、'.join(unknown)}")
    articles = _articles(form, kb, overlay_dir)
    if form.intent != OUT_OF_SCOPE and not articles and not form.errors:
        form.errors.append("请至少关联一条现行有效的法律条文作为依据。")
    if form.errors:
        return None
    raw = {
        "id": form.id.strip(),
        "intent": form.intent,
        "question": question,
        "variants": variants,
        "answer": form.answer.strip(),
        "details": form.details.strip(),
        "steps": steps,
        "articles": articles,
        "related": related,
        "calculator": form.calculator or None,
        "facts": form.facts or None,
        "premise": form.premise or None,
    }
    return card_from_dict(raw).to_dict()


def _articles(form: CardForm, kb, overlay_dir) -> list[dict]:
    articles = []
    for line in (ln.strip() for ln in form.articles.splitlines()):
        if not line:
            continue
        match = _ARTICLE.match(line)
        if not match:
            form.errors.append(f"无法识别“{line}”，请写成“劳动合同法 第47条”的形式。")
            continue
        law, number = match["law"].strip(), cn_to_int(match["num"])
        problem = article_problem(kb, overlay_dir, law, number)
        if problem:
            form.errors.append(problem)
        else:
            articles.append({"law": law, "article": number})
    return articles


def article_problem(kb, overlay_dir, law: str, number: int) -> str | None:
    """Why this article cannot back an answer (missing, repealed, unverified), or None when it can."""
    if kb is None or not kb.ready:
        return "知识库索引尚未就绪，暂时无法核对条文，请稍后再试。"
    chunk = kb.article(law, number)
    if chunk is None:
        return f"《{law}》第{number}条不存在：请核对法规简称（如“劳动合同法”）和条号。"
    status = str(corpus_overrides(overlay_dir).get(law, {}).get("status", chunk.status))
    if status == "repealed":
        return f"《{law}》已废止，第{number}条不能作为依据，请改用现行有效的条文。"
    if status == "retired":
        return f"《{law}》已停用，第{number}条不能作为依据。"
    if status != "in_force" or not chunk.citable:
        return f"《{law}》目前标记为“待核实”，第{number}条暂不能作为依据。"
    return None


def card_hits(db: Session, days: int) -> Counter:
    """How often each card answered a worker's message in the last ``days`` days."""
    since = utcnow() - timedelta(days=days)
    payloads = db.scalars(
        select(ConversationMessage.payload).where(
            ConversationMessage.direction == "in", ConversationMessage.created_at >= since
        )
    )
    return Counter(card for payload in payloads for card in (payload or {}).get("cards") or [])


def matches(card: dict, query: str) -> bool:
    """Whether a card's id, question, phrasings or answer contain the query (punctuation and spaces ignored)."""
    wanted = normalise(query)
    parsed = card_from_dict(card)
    return not wanted or any(wanted in normalise(text) for text in [parsed.id, *parsed.phrasings, parsed.answer])
