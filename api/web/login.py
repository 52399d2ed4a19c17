"""Form login and the signed-in user for a staff web area (shared by /console and /admin)."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import HTTPException, Request, status

from api.users.models import Role, User
from api.users.service import authenticate
from api.web.session import SessionArea, WebSession, login_throttle, tokens_match


@dataclass
class LoginRefusal:
    message: str
    status_code: int


def check_login(
    request: Request,
    area: SessionArea,
    username: str,
    password: str,
    csrf: str,
    roles: tuple[Role, ...],
    denied: str,
) -> User | LoginRefusal:
    """The user for a valid login form post, or why it was refused (CSRF, throttle, password, role)."""
    if not tokens_match(request.cookies.get(area.login_cookie), csrf):
        return LoginRefusal("页面已过期，请重新登录。", status.HTTP_403_FORBIDDEN)
    ip = request.client.host if request.client else ""
    throttle = login_throttle(request.app)
    if throttle.blocked(ip, username):
        return LoginRefusal("登录失败次数过多，请 5 分钟后再试。", status.HTTP_429_TOO_MANY_REQUESTS)
    with request.app.state.sessions() as db:
        user = authenticate(db, username, password)
    if user is None:
        throttle.failed(ip, username)
        return LoginRefusal("用户名或密码错误。", status.HTTP_401_UNAUTHORIZED)
    throttle.succeeded(ip, username)
    if user.role not in roles:
        return LoginRefusal(denied, status.HTTP_403_FORBIDDEN)
    return user


def signed_in(request: Request, area: SessionArea, roles: tuple[Role, ...], denied: str) -> tuple[User, WebSession]:
    """The active user of this area's session; redirects to the area's login page, 403 for other roles."""
    session = area.read(request)
    to_login = HTTPException(status.HTTP_303_SEE_OTHER, headers={"Location": f"{area.path}/login"})
    if session is None or not session.alive(request):
        raise to_login
    with request.app.state.sessions() as db:
        user = db.get(User, session.user_id)
    if user is None or not user.is_active:
        raise to_login
    if user.role not in roles:
        raise HTTPException(status.HTTP_403_FORBIDDEN, detail=denied)
    return user, session
