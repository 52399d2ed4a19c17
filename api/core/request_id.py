"""A request id on every request, in every log line written while serving it and in the `X-Request-ID`
response header, so one worker's complaint can be followed through the logs. A caller's own id (a proxy's)
is kept when it looks like one; anything else gets a fresh id. Work spawned for the request (a WeChat turn
finishing in the background, a thread) carries the id along, as asyncio and to_thread copy the context."""

from __future__ import annotations

import logging
import re
import uuid
from contextvars import ContextVar

from starlette.types import Receive, Scope, Send

from api.core.asgi import HttpMiddleware, sending_headers

HEADER = b"x-request-id"
_ACCEPTED = re.compile(rb"[A-Za-z0-9._-]{8,64}")
current_request_id: ContextVar[str] = ContextVar("request_id", default="-")


class RequestId(HttpMiddleware):
    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        given = dict(scope.get("headers", [])).get(HEADER, b"")
        request_id = given.decode() if _ACCEPTED.fullmatch(given) else uuid.uuid4().hex
        token = current_request_id.set(request_id)
        try:
            await self.app(scope, receive, sending_headers(send, [(HEADER, request_id.encode())]))
        finally:
            current_request_id.reset(token)


class RequestIdFilter(logging.Filter):
    """Puts the id of the request being served (or "-") on every record as `request_id`."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = current_request_id.get()
        return True
