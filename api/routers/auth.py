from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Request, status
from fastapi.security import OAuth2PasswordRequestForm
from pydantic import BaseModel

from api.core.deps import DbDep, SettingsDep
from api.core.openapi import errors
from api.users.security import create_access_token
from api.users.service import authenticate
from api.web.session import login_throttle

router = APIRouter(prefix="/api/v1/auth", tags=["auth"])


class Token(BaseModel):
    access_token: str
    token_type: str = "bearer"


@router.post(
    "/token",
    response_model=Token,
    responses=errors(401, 413, 422, 429),
)
def issue_token(
    request: Request, form: Annotated[OAuth2PasswordRequestForm, Depends()], db: DbDep, settings: SettingsDep
) -> Token:
    """Throttled like every login: an account locked out of the console gets no token either."""
    ip = request.client.host if request.client else ""
    throttle = login_throttle(request.app)
    if throttle.blocked(ip, form.username):
        raise HTTPException(status.HTTP_429_TOO_MANY_REQUESTS, detail="登录失败次数过多，请 5 分钟后再试")
    user = authenticate(db, form.username, form.password)
    if user is None:
        throttle.failed(ip, form.username)
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            detail="用户名或密码错误",
            headers={"WWW-Authenticate": "Bearer"},
        )
    throttle.succeeded(ip, form.username)
    return Token(access_token=create_access_token(settings, user.username, user.role.value))
