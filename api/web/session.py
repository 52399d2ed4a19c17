"""Browser sessions for the staff web areas: a signed HttpOnly cookie (session id, user id, CSRF token)
scoped to the area's path, the session itself kept on the server (logging out ends it), CSRF checks, and
login throttling.

Login throttling is per (client IP, username): MAX_FAILURES failed attempts within WINDOW_S seconds block
that pair until the oldest failure ages out (api.core.ratelimit: shared by every login route, the staff
pages and POST /api/v1/auth/token alike).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from fastapi import Request, Response
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import update

from api.core.db import as_utc
from api.core.settings import Settings
from api.users.models import StaffSession

MAX_FAILURES = 5
WINDOW_S = 300


@dataclass(frozen=True)
class WebSession:
    user_id: int
    csrf: str
    sid: str = ""

    @property
    def key(self) -> str:
        """What the server stores: a hash, so the sessions table holds nothing that signs in."""
        return hashlib.sha256(self.sid.encode()).hexdigest()

    def alive(self, request: Request) -> bool:
        """The server still holds this session: not logged out, not expired."""
        with request.app.state.sessions() as db:
            stored = db.get(StaffSession, self.key)
        return (
            stored is not None
            and stored.user_id == self.user_id
            and stored.ended_at is None
            and as_utc(stored.expires_at) > datetime.now(timezone.utc)
        )


@dataclass(frozen=True)
class SessionArea:
    """One signed-in area: its URL prefix, cookie names and signing salt (sessions do not cross areas)."""

    path: str
    cookie: str
    login_cookie: str
    salt: str

    def _serializer(self, settings: Settings) -> URLSafeTimedSerializer:
        return URLSafeTimedSerializer(settings.resolved_secret_key(), salt=self.salt)

    def read(self, request: Request) -> WebSession | None:
        settings: Settings = request.app.state.settings
        raw = request.cookies.get(self.cookie)
        if not raw:
            return None
        try:
            data = self._serializer(settings).loads(raw, max_age=settings.access_token_minutes * 60)
            return WebSession(user_id=int(data["uid"]), csrf=str(data["csrf"]), sid=str(data["sid"]))
        except (BadSignature, KeyError, TypeError, ValueError):
            return None

    def start(self, request: Request, response: Response, user_id: int) -> None:
        settings: Settings = request.app.state.settings
        session = WebSession(user_id=user_id, csrf=new_token(), sid=new_token())
        lifetime = timedelta(minutes=settings.access_token_minutes)
        with request.app.state.sessions() as db:
            db.add(
                StaffSession(
                    id=session.key,
                    user_id=user_id,
                    area=self.path.strip("/"),
                    expires_at=datetime.now(timezone.utc) + lifetime,
                )
            )
            db.commit()
        token = self._serializer(settings).dumps({"uid": user_id, "csrf": session.csrf, "sid": session.sid})
        self._set_cookie(request, response, self.cookie, token, int(lifetime.total_seconds()))

    def end(self, request: Request, response: Response) -> None:
        """Log out: the server forgets the session, whoever still has its cookie."""
        session = self.read(request)
        if session is not None:
            with request.app.state.sessions() as db:
                db.execute(
                    update(StaffSession)
                    .where(StaffSession.id == session.key)
                    .values(ended_at=datetime.now(timezone.utc))
                )
                db.commit()
        response.delete_cookie(self.cookie, path=self.path)

    def remember_login_csrf(self, request: Request, response: Response, token: str) -> None:
        """Double-submit token for the login form, which has no session yet."""
        self._set_cookie(request, response, self.login_cookie, token, 3600)

    def forget_login_csrf(self, response: Response) -> None:
        response.delete_cookie(self.login_cookie, path=self.path)

    def _set_cookie(self, request: Request, response: Response, name: str, value: str, max_age: int) -> None:
        """HttpOnly, SameSite, and Secure whenever the page came over HTTPS (directly or, with uvicorn's
        --proxy-headers, behind a proxy) or the operator says the site is HTTPS-only."""
        settings: Settings = request.app.state.settings
        response.set_cookie(
            name,
            value,
            max_age=max_age,
            path=self.path,
            httponly=True,
            samesite="lax",
            secure=settings.console_secure_cookies or request.url.scheme == "https",
        )


def new_token() -> str:
    return secrets.token_urlsafe(32)


def tokens_match(expected: str | None, given: str | None) -> bool:
    return bool(expected) and bool(given) and hmac.compare_digest(expected.encode(), given.encode())


class LoginThrottle:
    """Failed logins per (address, username), over the app's rate limits."""

    def __init__(self, limits) -> None:
        self.limits = limits

    def blocked(self, ip: str, username: str) -> bool:
        return self.limits.blocked("login", f"{ip}:{username}", MAX_FAILURES, WINDOW_S)

    def failed(self, ip: str, username: str) -> None:
        self.limits.fail("login", f"{ip}:{username}", MAX_FAILURES, WINDOW_S)

    def succeeded(self, ip: str, username: str) -> None:
        self.limits.clear("login", f"{ip}:{username}", MAX_FAILURES, WINDOW_S)


def login_throttle(app) -> LoginThrottle:
    """One throttle per app, shared by every login route, so switching routes does not reset the count."""
    return app.state.login_throttle
