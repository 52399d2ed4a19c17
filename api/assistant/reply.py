"""Compose the bot's reply to one worker message."""
from __future__ import annotations

from typing import Any, Literal, Protocol

from pydantic import BaseModel

from api.assistant.intents import FIXED_RESPONSES, OUT_OF_SCOPE, TOPIC_INTENTS
from api.assistant.responses import response_text
from api.nlu.client import ParseResult
from api.triage import triage


class Citation(BaseModel):
    law: str
    article: int
    text: str


class Entity(BaseModel):
    entity: str
    value: Any
    start: int | None = None
    end: int | None = None


class Reply(BaseModel):
    """The shape of CONTRACT.md §3."""

    intent: str
    confidence: float
    entities: list[Entity]
    answer: str
    citations: list[Citation]
    escalate: bool
    priority: Literal["urgent", "high", "normal"] | None
    reasons: list[str]


class AnswersQuestions(Protocol):
    def answer(self, text: str, intent: str, entities: list[dict]): ...


def compose_reply(parsed: ParseResult, kb: AnswersQuestions) -> Reply:
    text, intent = parsed.text, parsed.intent
    answer, citations, retrieval_confidence = "", [], None
    if intent in TOPIC_INTENTS:
        kb_answer = kb.answer(text, intent, parsed.entities)
        answer, citations = kb_answer.text, kb_answer.citations
        retrieval_confidence = kb_answer.confidence
    elif intent in FIXED_RESPONSES:
        answer = response_text(FIXED_RESPONSES[intent])

    verdict = triage(
        text,
        intent=intent,
        confidence=parsed.confidence,
        retrieval_confidence=retrieval_confidence,
        user_requested=intent == "request_human",
        entities=parsed.entities,
    )
    if verdict.emergency_notice:
        answer = f"{verdict.emergency_notice}\n\n{answer}".strip()
    if verdict.escalate and intent != "request_human":  # the handoff form opens that case itself
        answer = f"{answer}\n\n{response_text('utter_handoff_started')}".strip()
    elif intent != OUT_OF_SCOPE and not answer:
        answer = response_text("utter_ask_rephrase")
    return Reply(
        intent=intent,
        confidence=round(parsed.confidence, 4),
        entities=[Entity(**e) for e in parsed.entities],
        answer=answer,
        citations=[Citation(**c) for c in citations],
        escalate=verdict.escalate,
        priority=verdict.priority,
        reasons=list(verdict.reasons),
    )
