"""Console sessions: the shared web-area session (api/web/session.py) scoped to /console."""

from __future__ import annotations

from api.web.session import SessionArea

CONSOLE = SessionArea(
    path="/console", cookie="laborbot_console", login_cookie="laborbot_console_login", salt="laborbot-console-session"
)
