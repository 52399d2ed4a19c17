"""The bot's reply to one worker message: what the NLU understood, the knowledge base's answer, triage.

One function (``compose_reply``) decides what the bot says; the channels, POST /api/v1/ask and the admin
preview all call it, so the preview always shows what the live bot would answer.
"""
from __future__ import annotations

from typing import Any, Literal, Protocol

from pydantic import BaseModel

from api.assistant.intents import FIXED_RESPONSES, OUT_OF_SCOPE, TOPIC_INTENTS
from api.assistant.responses import response_text
from api.nlu.client import ParseResult
from api.triage import triage

# A dialogue intent on a message this long may still be a question ("你好，我想问一下社保的事……").
QUESTION_CHARS = 10


class Citation(BaseModel):
    law: str
    article: int
    text: str
    relevance: Literal["rests_on", "possible"] = "rests_on"


class Entity(BaseModel):
    entity: str
    value: Any
    start: int | None = None
    end: int | None = None


class Option(BaseModel):
    title: str
    payload: str


class Reply(BaseModel):
    """The shape of CONTRACT.md §3, plus what the channels show (kind, cards, options, calculator)."""

    intent: str
    confidence: float
    entities: list[Entity]
    answer: str
    citations: list[Citation]
    escalate: bool
    priority: Literal["urgent", "high", "normal"] | None
    reasons: list[str]
    kind: str = "fixed"  # card | cards | probable | unsure | referral | crisis | fixed
    cards: list[str] = []
    options: list[Option] = []
    calculator: str | None = None


class AnswersQuestions(Protocol):
    def answer(self, text: str, intent: str, entities: list[dict], intent_confidence: float = 0.0): ...


def compose_reply(parsed: ParseResult, kb: AnswersQuestions) -> Reply:
    text, intent = parsed.text, parsed.intent
    kb_answer = None
    if intent in TOPIC_INTENTS or intent == OUT_OF_SCOPE:
        kb_answer = kb.answer(text, intent, parsed.entities, parsed.confidence)
    elif intent != "request_human" and len(text) >= QUESTION_CHARS:
        candidate = kb.answer(text, intent, parsed.entities, parsed.confidence)
        kb_answer = candidate if candidate.kind in ("card", "cards") else None

    verdict = triage(text, intent=intent, confidence=parsed.confidence, retrieval_confidence=None,
                     user_requested=intent == "request_human", entities=parsed.entities)
    reply = Reply(intent=intent, confidence=round(parsed.confidence, 4),
                  entities=[Entity(**e) for e in parsed.entities], answer="", citations=[],
                  escalate=verdict.escalate, priority=verdict.priority, reasons=list(verdict.reasons))
    if verdict.emergency_notice:  # a crisis: the hotlines are the first and only bubble
        reply.kind, reply.answer = "crisis", verdict.emergency_notice
        return reply
    if kb_answer is not None:
        reply.kind, reply.answer = kb_answer.kind, kb_answer.text
        reply.citations = [Citation(**c) for c in kb_answer.citations]
        reply.cards, reply.calculator = kb_answer.cards, kb_answer.calculator
        reply.options = [Option(**o) for o in kb_answer.options]
        reply.reasons += [r for r in kb_answer.reasons if r not in reply.reasons]
    elif intent in FIXED_RESPONSES:
        reply.answer = response_text(FIXED_RESPONSES[intent])
    if verdict.escalate and intent != "request_human":  # the handoff form opens that case itself
        reply.answer = f"{reply.answer}\n\n{response_text('utter_handoff_started')}".strip()
    return reply
