from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, status
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, Field, StrictStr

from api.assistant.reply import Reply, compose_reply
from api.core.deps import RasaDep, get_kb, require_roles
from api.core.settings import get_settings
from api.nlu.client import RasaUnavailable
from api.users.models import Role

router = APIRouter(prefix="/api/v1", tags=["ask"])


class AskRequest(BaseModel):
    text: StrictStr = Field(min_length=1, max_length=get_settings().max_message_chars)


@router.post(
    "/ask",
    response_model=Reply,
    dependencies=[Depends(require_roles(Role.staff, Role.lawyer, Role.admin))],
)
async def ask(body: AskRequest, rasa: RasaDep, kb: Annotated[object, Depends(get_kb)]) -> Reply:
    """Preview: exactly what the live bot answers to this first message; stores nothing."""
    text = body.text.strip()
    if not text:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_ENTITY, detail="问题内容不能为空")
    try:
        parsed = await rasa.parse(text)
    except RasaUnavailable:
        raise HTTPException(status.HTTP_503_SERVICE_UNAVAILABLE, detail="语言理解服务暂不可用，请稍后再试") from None
    return await run_in_threadpool(compose_reply, parsed, kb)
