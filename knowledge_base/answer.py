"""Compose the worker-facing Chinese answer from retrieval results, verifying every citation first."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from .retriever import Hit, Retriever, SearchResult

MAX_CITATIONS = 3
QUOTE_CHARS = 160  # the answer quotes an article's beginning; citations carry the full text
POLICY_MIN_SHARE = 0.25  # a union-policy article is shown when it scores at least this share of the top hit
LOW_CONFIDENCE_REASON = "low_retrieval_confidence"
DISCLAIMER = ("温馨提示：以上内容根据现行法律条文整理，仅供参考，不构成正式法律意见，具体以当地部门和仲裁机构的认定为准。"
              "如需进一步帮助，可以回复“转人工”，由工会律师或工作人员为您解答，也可以拨打职工服务热线12351。")
# The caller escalates (reason low_retrieval_confidence) and adds the handoff sentence itself.
LOW_CONFIDENCE_TEXT = "您的问题我没有找到足够确定的法律依据，为避免误导您，我不做猜测。"
_SENTENCE_END = re.compile(r"(?<=[。！？])")


@dataclass
class Answer:
    text: str
    citations: list[dict]  # {"law", "article", "text"} as in CONTRACT.md §3, most relevant first
    confidence: float
    low_confidence: bool
    reasons: list[str] = field(default_factory=list)
    hits: list[Hit] = field(default_factory=list)


def verified(retriever: Retriever, hit: Hit) -> bool:
    """Cite only what the serving index holds as an in-force statute article (never repealed text)."""
    chunk = retriever.article(hit.law, hit.article) if hit.article is not None else None
    if chunk is None or not chunk.citable or chunk.doc_type in ("union_policy", "typical_case"):
        return False
    doc = retriever.documents.get(chunk.law)
    return doc is not None and doc["status"] == "in_force"


def first_sentence(text: str, limit: int = 90) -> str:
    sentence = _SENTENCE_END.split(text.strip(), maxsplit=1)[0].strip()
    return sentence if len(sentence) <= limit else sentence[:limit].rstrip("，、；") + "……"


def _article_body(hit: Hit) -> str:
    return hit.text[len(hit.label):].strip() if hit.text.startswith(hit.label) else hit.text


def book_title(law: str) -> str:
    """《…》 around a title, nested title marks turned into 〈〉 as Chinese typesetting requires."""
    return "《" + law.replace("《", "〈").replace("》", "〉") + "》"


def _quote(hit: Hit) -> str:
    body = _article_body(hit).replace("\n", "")
    return f"{book_title(hit.law)}{hit.label}：{body if len(body) <= QUOTE_CHARS else body[:QUOTE_CHARS] + '……'}"


def _other_city(entities: list[dict]) -> str | None:
    """A city other than Beijing named by the worker: Beijing rules do not apply there."""
    for ent in entities or []:
        if ent.get("entity") == "city" and ent.get("value") and "北京" not in str(ent["value"]):
            return str(ent["value"])
    return None


def compose(retriever: Retriever, result: SearchResult, intent: str | None, entities: list[dict]) -> Answer:
    if result.low_confidence:
        return Answer(text=LOW_CONFIDENCE_TEXT, citations=[], confidence=result.confidence, low_confidence=True,
                      reasons=[LOW_CONFIDENCE_REASON], hits=result.hits)
    city = _other_city(entities)
    cited = [h for h in result.hits if verified(retriever, h)
             and not (city and h.doc_type == "beijing_local_regulation")][:MAX_CITATIONS]
    # Union services are described by the team's policy documents rather than statutes.
    policy = result.policy_hit
    if policy is not None and result.hits and policy.score < POLICY_MIN_SHARE * result.hits[0].score:
        policy = None
    if not cited and policy is None:
        return Answer(text=LOW_CONFIDENCE_TEXT, citations=[], confidence=result.confidence, low_confidence=True,
                      reasons=[LOW_CONFIDENCE_REASON], hits=result.hits)

    lines = [_conclusion(retriever, result, cited[0] if cited else policy, intent)]
    if city:
        lines.append(f"您提到的是{city}，以下是全国性规定；{city}的地方标准和办事流程可能不同，请以当地规定为准。")
    if cited:
        lines += ["", "法律依据："] + [f"{i}. {_quote(h)}" for i, h in enumerate(cited, 1)]
    if policy:
        lines += ["", f"工会服务：{first_sentence(_article_body(policy), 120)}（{policy.law}）"]
    steps = retriever.domain.next_steps.get(intent or "", []) or retriever.domain.default_next_steps
    if steps:
        lines += ["", "下一步建议："] + [f"{i}. {s}" for i, s in enumerate(steps, 1)]
    lines += ["", DISCLAIMER]
    return Answer(text="\n".join(lines), citations=[h.citation() for h in cited], confidence=result.confidence,
                  low_confidence=False, hits=result.hits)


def _conclusion(retriever: Retriever, result: SearchResult, top: Hit, intent: str | None) -> str:
    """The best-ranked FAQ card's opening sentence when it is about this topic, else the top article's."""
    for card_id in result.faq_ids[:2]:
        card = retriever.faq_card(card_id)
        if card is not None and card.answer and (intent is None or card.intent in (None, intent)):
            return first_sentence(card.answer)
    return f"根据{book_title(top.law)}{top.label}：{first_sentence(_article_body(top))}"
