"""Browser sessions for the staff web areas: a signed HttpOnly cookie (user id + CSRF token) scoped to the
area's path, CSRF checks, and login throttling.

Login throttling is per (client IP, username): MAX_FAILURES failed attempts within WINDOW_S seconds block
that pair until the oldest failure ages out. It lives in memory: the web areas run in one web process.
"""

from __future__ import annotations

import hmac
import secrets
import threading
import time
from collections import deque
from dataclasses import dataclass

from fastapi import Request, Response
from itsdangerous import BadSignature, URLSafeTimedSerializer

from api.core.settings import Settings

MAX_FAILURES = 5
WINDOW_S = 300


@dataclass(frozen=True)
class WebSession:
    user_id: int
    csrf: str


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
            return WebSession(user_id=int(data["uid"]), csrf=str(data["csrf"]))
        except (BadSignature, KeyError, TypeError, ValueError):
            return None

    def start(self, response: Response, settings: Settings, user_id: int) -> None:
        token = self._serializer(settings).dumps({"uid": user_id, "csrf": new_token()})
        self._set_cookie(response, settings, self.cookie, token, settings.access_token_minutes * 60)

    def end(self, response: Response) -> None:
        response.delete_cookie(self.cookie, path=self.path)

    def remember_login_csrf(self, response: Response, settings: Settings, token: str) -> None:
        """Double-submit token for the login form, which has no session yet."""
        self._set_cookie(response, settings, self.login_cookie, token, 3600)

    def forget_login_csrf(self, response: Response) -> None:
        response.delete_cookie(self.login_cookie, path=self.path)

    def _set_cookie(self, response: Response, settings: Settings, name: str, value: str, max_age: int) -> None:
        response.set_cookie(
            name,
            value,
            max_age=max_age,
            path=self.path,
            httponly=True,
            samesite="lax",
            secure=settings.console_secure_cookies,
        )


def new_token() -> str:
    return secrets.token_urlsafe(32)


def tokens_match(expected: str | None, given: str | None) -> bool:
    return bool(expected) and bool(given) and hmac.compare_digest(expected.encode(), given.encode())


class LoginThrottle:
    def __init__(self, max_failures: int = MAX_FAILURES, window_s: float = WINDOW_S) -> None:
        self.max_failures = max_failures
        self.window_s = window_s
        self._failures: dict[tuple[str, str], deque[float]] = {}
        self._lock = threading.Lock()

    def blocked(self, ip: str, username: str) -> bool:
        with self._lock:
            return len(self._recent((ip, username))) >= self.max_failures

    def failed(self, ip: str, username: str) -> None:
        with self._lock:
            failures = self._recent((ip, username))
            failures.append(time.monotonic())
            self._failures[(ip, username)] = failures

    def succeeded(self, ip: str, username: str) -> None:
        with self._lock:
            self._failures.pop((ip, username), None)

    def _recent(self, key: tuple[str, str]) -> deque[float]:
        """Failures inside the window; keys without any are dropped so the table cannot grow unbounded."""
        failures = self._failures.pop(key, deque())
        while failures and time.monotonic() - failures[0] > self.window_s:
            failures.popleft()
        if failures:
            self._failures[key] = failures
        return failures


def login_throttle(app) -> LoginThrottle:
    """One throttle per app, shared by every area, so switching areas does not reset the count."""
    if getattr(app.state, "login_throttle", None) is None:
        app.state.login_throttle = LoginThrottle()
    return app.state.login_throttle
