"""FastAPI dependencies: settings, database session, services on app.state, current user."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

import jwt
from fastapi import Depends, HTTPException, Request, status
from fastapi.security import OAuth2PasswordBearer
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.core.db import get_db
from api.core.settings import Settings
from api.nlu.client import RasaClient
from api.users.models import Role, User
from api.users.security import decode_access_token


def get_app_settings(request: Request) -> Settings:
    return request.app.state.settings


SettingsDep = Annotated[Settings, Depends(get_app_settings)]
DbDep = Annotated[Session, Depends(get_db)]

oauth2_scheme = OAuth2PasswordBearer(tokenUrl="/api/v1/auth/token", auto_error=False)

_UNAUTHORIZED = HTTPException(
    status.HTTP_401_UNAUTHORIZED,
    detail="未登录或登录已过期，请重新登录",
    headers={"WWW-Authenticate": "Bearer"},
)


def get_rasa(request: Request) -> RasaClient:
    return request.app.state.rasa


def get_kb(request: Request):
    kb = request.app.state.kb
    if kb is None or not kb.ready:
        raise HTTPException(status.HTTP_503_SERVICE_UNAVAILABLE, detail="知识库索引尚未就绪")
    return kb


def get_current_user(settings: SettingsDep, db: DbDep, token: Annotated[str | None, Depends(oauth2_scheme)]) -> User:
    if not token:
        raise _UNAUTHORIZED
    try:
        claims = decode_access_token(settings, token)
    except jwt.PyJWTError:
        raise _UNAUTHORIZED from None
    user = db.scalar(select(User).where(User.username == claims.get("sub"), User.is_active.is_(True)))
    if user is None:
        raise _UNAUTHORIZED
    return user


def require_roles(*roles: Role) -> Callable[[User], User]:
    def check(user: Annotated[User, Depends(get_current_user)]) -> User:
        if user.role not in roles:
            raise HTTPException(status.HTTP_403_FORBIDDEN, detail="当前账号无权访问")
        return user

    return check


RasaDep = Annotated[RasaClient, Depends(get_rasa)]
