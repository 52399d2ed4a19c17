"""Anonymous worker identity: a random id in a signed, HTTP-only cookie."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from fastapi import Request, Response
from itsdangerous import BadSignature, URLSafeSerializer

COOKIE = "laborbot_chat"
MAX_AGE_S = 365 * 24 * 3600


@dataclass(frozen=True)
class Identity:
    user_id: str
    new_cookie: str | None  # set when the visitor had no valid cookie yet

    def attach(self, request: Request, response: Response) -> Response:
        if self.new_cookie is not None:
            response.set_cookie(
                COOKIE,
                self.new_cookie,
                max_age=MAX_AGE_S,
                httponly=True,
                samesite="lax",
                secure=request.url.scheme == "https",
            )
        return response


def _serializer(request: Request) -> URLSafeSerializer:
    return URLSafeSerializer(request.app.state.settings.resolved_secret_key(), salt="webchat-identity")


def read_identity(request: Request) -> str | None:
    raw = request.cookies.get(COOKIE)
    if not raw:
        return None
    try:
        value = _serializer(request).loads(raw)
    except BadSignature:
        return None
    return value if isinstance(value, str) else None


def identify(request: Request) -> Identity:
    user_id = read_identity(request)
    if user_id is not None:
        return Identity(user_id, None)
    user_id = secrets.token_urlsafe(16)
    return Identity(user_id, _serializer(request).dumps(user_id))
