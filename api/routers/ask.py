"""POST /api/v1/ask: what the live bot answers to a first message (CONTRACT.md §3); stores nothing."""

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, status
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, StrictStr

from api.assistant.reply import ContractReply, Reply, compose_reply, understood
from api.conversation.validation import TextRefused, checked_text
from api.core.deps import RasaDep, SettingsDep, get_kb, require_roles
from api.core.openapi import errors
from api.nlu.client import RasaUnavailable
from api.users.models import Role

router = APIRouter(prefix="/api/v1", tags=["ask"])


class AskRequest(BaseModel):
    text: StrictStr


@router.post(
    "/ask",
    response_model=ContractReply,
    dependencies=[Depends(require_roles(Role.staff, Role.lawyer, Role.admin))],
    responses=errors(401, 403, 413, 422, 503),
)
async def ask(
    body: AskRequest, rasa: RasaDep, kb: Annotated[object, Depends(get_kb)], settings: SettingsDep
) -> ContractReply:
    """Preview: exactly what the live bot answers to this first message; stores nothing."""
    return ContractReply.of(await answer_preview(body.text, rasa, kb, settings.max_message_chars))


async def answer_preview(text: str, rasa, kb, max_chars: int) -> Reply:
    """The reply to ``text`` as the first message of a new conversation (shared with /admin/preview)."""
    try:
        text = checked_text(text, max_chars)
    except TextRefused as refusal:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, detail=str(refusal)) from None
    try:
        parsed = understood(await rasa.parse(text))
    except RasaUnavailable:
        raise HTTPException(status.HTTP_503_SERVICE_UNAVAILABLE, detail="语言理解服务暂不可用，请稍后再试") from None
    return await run_in_threadpool(compose_reply, parsed, kb)
