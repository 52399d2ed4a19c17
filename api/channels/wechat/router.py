"""/wechat: the Official Account server URL (CONTRACT.md §4)."""

from __future__ import annotations

import time

from fastapi import APIRouter, HTTPException, Request, status
from fastapi.responses import PlainTextResponse, Response

from api.channels.wechat.protocol import Rejected
from api.core.openapi import errors

router = APIRouter(tags=["wechat"])


def _protocol(request: Request):
    protocol = request.app.state.wechat_protocol
    if not protocol.enabled:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail="未启用微信公众号接入")
    return protocol


@router.get("/wechat", response_class=PlainTextResponse, responses=errors(400, 403, 404, 422))
async def verify(request: Request) -> str:
    try:
        return _protocol(request).verify_url(dict(request.query_params))
    except Rejected as exc:
        raise HTTPException(exc.status_code, detail=exc.detail) from None


@router.post("/wechat", responses=errors(400, 403, 404, 413, 422))
async def receive(request: Request) -> Response:
    arrived = time.monotonic()
    protocol = _protocol(request)
    settings = request.app.state.settings
    body = await request.body()  # at most wechat_max_body_bytes: the app's body limit (api/core/limits.py)
    try:
        envelope = protocol.open(dict(request.query_params), body)
    except Rejected as exc:
        raise HTTPException(exc.status_code, detail=exc.detail) from None
    budget_s = settings.wechat_reply_budget_s - (time.monotonic() - arrived)
    text = await request.app.state.wechat.respond(envelope, budget_s)
    if not text:
        return PlainTextResponse("success")
    return Response(protocol.render_reply(envelope, text), media_type="application/xml")
