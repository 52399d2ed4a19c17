"""The web chat page and its JSON/SSE endpoints."""
from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from pathlib import Path

from fastapi import APIRouter, HTTPException, Request, Response, status
from fastapi.responses import HTMLResponse, JSONResponse, StreamingResponse
from fastapi.templating import Jinja2Templates
from pydantic import BaseModel, Field, StrictStr

from api.channels.ratelimit import RATE_LIMITED_TEXT
from api.channels.webchat.history import CHANNEL, conversation_view
from api.channels.webchat.identity import identify, read_identity
from api.core.db import get_sessionmaker
from api.core.settings import get_settings

router = APIRouter(tags=["webchat"])
templates = Jinja2Templates(directory=Path(__file__).resolve().parents[2] / "templates")
TOPICS = ("工资拖欠", "加班费", "辞退补偿", "工伤", "社保", "转人工")
# A stream ends after this long and the browser reconnects (and catches up from the history), so a
# shutting-down server never waits long for open streams.
STREAM_LIFETIME_S = 15.0
HEARTBEAT_S = 5.0


class SendRequest(BaseModel):
    text: StrictStr = Field(min_length=1, max_length=get_settings().max_message_chars)
    client_id: StrictStr = Field(min_length=8, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")
    after: int = Field(default=0, ge=0)


@router.get("/", response_class=HTMLResponse)
async def page(request: Request) -> Response:
    response = templates.TemplateResponse(request, "webchat/index.html", {"topics": TOPICS})
    return identify(request).attach(request, response)


@router.get("/api/webchat/messages")
async def history(request: Request, after: int = 0) -> JSONResponse:
    identity = identify(request)
    view = await asyncio.to_thread(conversation_view, get_sessionmaker(), identity.user_id, max(after, 0))
    return identity.attach(request, JSONResponse(view))


@router.post("/api/webchat/messages")
async def send(request: Request, body: SendRequest) -> JSONResponse:
    text = body.text.strip()
    if not text:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_ENTITY, detail="消息内容不能为空")
    identity = identify(request)
    if not request.app.state.chat_limiter.allow(f"{CHANNEL}:{identity.user_id}"):
        limited = JSONResponse({"detail": RATE_LIMITED_TEXT}, status_code=status.HTTP_429_TOO_MANY_REQUESTS)
        return identity.attach(request, limited)
    await request.app.state.conversation.handle_incoming(
        CHANNEL, identity.user_id, text, message_id=f"{identity.user_id}:{body.client_id}"
    )
    view = await asyncio.to_thread(conversation_view, get_sessionmaker(), identity.user_id, body.after)
    return identity.attach(request, JSONResponse(view))


@router.get("/api/webchat/stream")
async def stream(request: Request) -> StreamingResponse:
    user_id = read_identity(request)
    if user_id is None:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, detail="请刷新页面后重试")
    hub = request.app.state.webchat_hub
    return StreamingResponse(
        _events(request, hub, user_id),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
    )


async def _events(request: Request, hub, user_id: str) -> AsyncIterator[str]:
    queue = hub.subscribe(user_id)
    loop = asyncio.get_running_loop()
    ends_at = loop.time() + STREAM_LIFETIME_S
    try:
        yield "retry: 1000\n\n"
        while (remaining := ends_at - loop.time()) > 0 and not await request.is_disconnected():
            try:
                event = await asyncio.wait_for(queue.get(), timeout=min(HEARTBEAT_S, remaining))
            except TimeoutError:
                yield ": ping\n\n"
                continue
            yield f"event: message\ndata: {json.dumps(event, ensure_ascii=False)}\n\n"
    finally:
        hub.unsubscribe(user_id, queue)
