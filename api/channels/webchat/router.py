"""The web chat page and its JSON/SSE endpoints."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, Request, Response, status
from fastapi.responses import HTMLResponse, JSONResponse, StreamingResponse
from fastapi.templating import Jinja2Templates
from pydantic import BaseModel, Field, StrictStr

from api.channels.webchat.history import CHANNEL, conversation_view
from api.channels.webchat.identity import identify, read_identity
from api.conversation.validation import TextRefused, checked_text
from api.core.openapi import errors
from phrasebook import say

router = APIRouter(tags=["webchat"])
templates = Jinja2Templates(directory=Path(__file__).resolve().parents[2] / "templates")
TOPICS = ("工资拖欠", "加班费", "辞退补偿", "工伤", "社保", "转人工")
# A stream ends after this long and the browser reconnects (and catches up from the history), so a
# shutting-down server never waits long for open streams.
STREAM_LIFETIME_S = 15.0
HEARTBEAT_S = 5.0


# The stored message ids are database integers; a cursor beyond them is a client error, not a crash.
MAX_CURSOR = 2**62


class SendRequest(BaseModel):
    text: StrictStr
    client_id: StrictStr = Field(min_length=8, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")
    after: int = Field(default=0, ge=0, le=MAX_CURSOR)
    payload: StrictStr | None = Field(default=None, max_length=300)  # the button that was tapped


@router.get("/", response_class=HTMLResponse)
async def page(request: Request) -> Response:
    response = templates.TemplateResponse(request, "webchat/index.html", {"topics": TOPICS})
    return identify(request).attach(request, response)


@router.get("/api/webchat/messages", responses=errors(422))
async def history(request: Request, after: Annotated[int, Query(ge=0, le=MAX_CURSOR)] = 0) -> JSONResponse:
    identity = identify(request)
    view = await asyncio.to_thread(conversation_view, request.app.state.sessions, identity.user_id, after)
    return identity.attach(request, JSONResponse(view))


@router.post("/api/webchat/messages", responses=errors(413, 422, 429, 503))
async def send(request: Request, body: SendRequest) -> JSONResponse:
    try:
        text = checked_text(body.text, request.app.state.settings.max_message_chars)
    except TextRefused as refusal:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, detail=str(refusal)) from None
    identity = identify(request)
    settings, limits = request.app.state.settings, request.app.state.limits
    address = request.client.host if request.client else ""
    if not (
        limits.allow(CHANNEL, identity.user_id, settings.chat_rate_limit_per_min)
        and limits.allow("web-address", address, settings.chat_ip_rate_limit_per_min)
    ):
        limited = JSONResponse({"detail": say("dialogue.rate_limited")}, status_code=status.HTTP_429_TOO_MANY_REQUESTS)
        return identity.attach(request, limited)
    await request.app.state.conversation.handle_incoming(
        CHANNEL, identity.user_id, text, message_id=f"{identity.user_id}:{body.client_id}", payload=body.payload
    )
    view = await asyncio.to_thread(conversation_view, request.app.state.sessions, identity.user_id, body.after)
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
