"""The FAQ card editor: form fields -> card, with every linked article checked against the serving index."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from api.assistant.intents import OUT_OF_SCOPE, TOPIC_INTENTS
from knowledge_base.corpus import cn_to_int
from knowledge_base.overlay import corpus_overrides

CARD_INTENTS = sorted(TOPIC_INTENTS) + [OUT_OF_SCOPE]
# "劳动合同法 第47条", "《劳动合同法》第四十七条", "劳动合同法 47"
_ARTICLE = re.compile(r"^《?(?:中华人民共和国)?(?P<law>[^》]+?)》?\s*第?\s*(?P<num>[0-9零〇一二三四五六七八九十百千两]+)\s*条?$")


@dataclass
class CardForm:
    id: str = ""
    intent: str = ""
    questions: str = ""  # one phrasing per line
    answer: str = ""
    articles: str = ""  # one article per line
    errors: list[str] = field(default_factory=list)

    @classmethod
    def from_card(cls, card: dict) -> "CardForm":
        return cls(id=card["id"], intent=card.get("intent") or "", questions="\n".join(card.get("questions") or []),
                   answer=card.get("answer", ""),
                   articles="\n".join(f"{a['law']} 第{a['article']}条" for a in card.get("articles") or []))


def parse_card(form: CardForm, kb, overlay_dir) -> dict | None:
    """The card to save, or None with ``form.errors`` saying what to fix (all problems at once)."""
    questions = [q.strip() for q in form.questions.splitlines() if q.strip()]
    if not questions:
        form.errors.append("请至少填写一种问法。")
    if len(form.answer.strip()) < 10:
        form.errors.append("答案太短，请用完整的句子回答（至少 10 个字）。")
    if form.intent not in CARD_INTENTS:
        form.errors.append("请选择问题类别。")
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
    if form.intent != OUT_OF_SCOPE and not articles and not form.errors:
        form.errors.append("请至少关联一条现行有效的法律条文作为依据。")
    if form.errors:
        return None
    return {"id": form.id.strip(), "intent": form.intent, "questions": questions, "answer": form.answer.strip(),
            "articles": articles}


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
