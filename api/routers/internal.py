"""Internal API for the Rasa action server (127.0.0.1 only, bearer LABORBOT_INTERNAL_TOKEN)."""

from __future__ import annotations

import hmac
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, HTTPException, Request, status
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, Field

from api.assistant.intents import TOPIC_INTENTS
from api.assistant.reply import Reply, compose_reply
from api.cases.service import CaseService, split_sender
from api.conversation.feedback import record_feedback
from api.core.db import get_sessionmaker
from api.core.settings import get_settings
from api.nlu.client import ParseResult
from api.triage import triage


def require_internal_token(request: Request) -> None:
    expected = request.app.state.settings.resolved_internal_token()
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not hmac.compare_digest(token.encode(), expected.encode()):
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, detail="内部接口令牌无效")


router = APIRouter(prefix="/internal/v1", tags=["internal"], dependencies=[Depends(require_internal_token)])

_MAX_TEXT = get_settings().max_message_chars


def get_cases(request: Request) -> CaseService:
    return request.app.state.cases


CasesDep = Annotated[CaseService, Depends(get_cases)]


class SenderBody(BaseModel):
    sender_id: str = Field(min_length=3, max_length=170, pattern=r"^[^:]+:.+$")

    def sender(self) -> tuple[str, str]:
        return split_sender(self.sender_id)


class ReplyRequest(SenderBody):
    text: str = Field(max_length=_MAX_TEXT)
    intent: str
    confidence: float = Field(ge=0, le=1)
    entities: list[dict[str, Any]] = []


class ReplyResponse(Reply):
    case_id: int | None


class CaseRequest(SenderBody):
    description: str = Field(default="", max_length=_MAX_TEXT)
    district: str = Field(default="", max_length=64)
    phone: str = Field(default="", max_length=32)
    consent: bool = False
    intent: str = ""
    entities: list[dict[str, Any]] = []
    reasons: list[str] = []
    priority: Literal["urgent", "high", "normal"] | None = None


class CaseResponse(BaseModel):
    case_id: int
    status: str


class FeedbackRequest(SenderBody):
    score: int = Field(ge=1, le=5)
    about: Literal["answer", "case"]
    comment: str = Field(default="", max_length=_MAX_TEXT)


@router.post("/reply", response_model=ReplyResponse)
async def reply(body: ReplyRequest, request: Request, cases: CasesDep) -> ReplyResponse:
    """The bot's answer to one message; an escalating answer opens (or joins) the worker's case."""
    channel, user_id = body.sender()
    kb = request.app.state.kb
    if body.intent in TOPIC_INTENTS and (kb is None or not kb.ready):
        raise HTTPException(status.HTTP_503_SERVICE_UNAVAILABLE, detail="知识库索引尚未就绪")
    parsed = ParseResult(
        text=body.text, intent=body.intent, confidence=body.confidence, entities=body.entities
    )
    answer = await run_in_threadpool(compose_reply, parsed, kb)
    case_id = None
    if answer.escalate:
        case_id, _ = await run_in_threadpool(
            cases.open_case,
            channel,
            user_id,
            topic=answer.intent,
            facts=[e.model_dump() for e in answer.entities],
            reasons=answer.reasons,
            priority=answer.priority,
            suggested_articles=[c.model_dump() for c in answer.citations],
        )
    return ReplyResponse(**answer.model_dump(), case_id=case_id)


@router.post("/cases", response_model=CaseResponse)
def open_case(body: CaseRequest, cases: CasesDep) -> CaseResponse:
    """End of the handoff form. Opening twice while a case is active returns that case.

    The description is screened like any message: a crisis told in the form raises the priority."""
    channel, user_id = body.sender()
    risk = triage(body.description, intent=body.intent or "request_human",
                  user_requested=True, entities=body.entities)
    reasons = list(dict.fromkeys([*risk.reasons, *body.reasons]))
    case_id, _ = cases.open_case(
        channel,
        user_id,
        topic=body.intent,
        facts=body.entities,
        reasons=reasons,
        priority=_most_urgent(risk.priority, body.priority),
        description=body.description,
        district=body.district,
        phone=body.phone,
        consent=body.consent,
    )
    return CaseResponse(case_id=case_id, status=cases.status_of(case_id))


def _most_urgent(*priorities: str | None) -> str:
    order = ("urgent", "high", "normal")
    return min((p for p in priorities if p), key=order.index, default="normal")


@router.post("/feedback")
def feedback(body: FeedbackRequest) -> dict:
    channel, user_id = body.sender()
    with get_sessionmaker()() as db:
        stored = record_feedback(db, channel, user_id, body.score, body.about, body.comment)
        db.commit()
        return {"feedback_id": stored.id, "case_id": stored.case_id}
