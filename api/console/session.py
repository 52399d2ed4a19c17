"""Console sessions: the shared web-area session (api/web/session.py) scoped to /console."""

from __future__ import annotations

from api.web.session import LoginThrottle, SessionArea, WebSession, new_token, tokens_match

CONSOLE = SessionArea(
    path="/console", cookie="laborbot_console", login_cookie="laborbot_console_login", salt="laborbot-console-session"
)
SESSION_COOKIE = CONSOLE.cookie
LOGIN_CSRF_COOKIE = CONSOLE.login_cookie
ConsoleSession = WebSession
read_session = CONSOLE.read
start_session = CONSOLE.start
end_session = CONSOLE.end
remember_login_csrf = CONSOLE.remember_login_csrf

__all__ = [
    "CONSOLE", "SESSION_COOKIE", "LOGIN_CSRF_COOKIE", "ConsoleSession", "LoginThrottle", "new_token",
    "tokens_match", "read_session", "start_session", "end_session", "remember_login_csrf",
]
