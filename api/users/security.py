"""Password hashing (argon2) and bearer tokens (JWT, HS256)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import jwt
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerifyMismatchError

from api.core.settings import Settings

_hasher = PasswordHasher()
# Verifying against a dummy hash when the user is unknown keeps login timing uniform.
_DUMMY_HASH = _hasher.hash("laborbot-dummy-password")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password: str, password_hash: str | None) -> bool:
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerifyMismatchError, InvalidHashError):
        return False


def create_access_token(settings: Settings, username: str, role: str) -> str:
    now = datetime.now(timezone.utc)
    claims = {
        "sub": username,
        "role": role,
        "iat": now,
        "exp": now + timedelta(minutes=settings.access_token_minutes),
    }
    return jwt.encode(claims, settings.resolved_secret_key(), algorithm="HS256")


def decode_access_token(settings: Settings, token: str) -> dict:
    """Raises jwt.PyJWTError when the token is invalid or expired."""
    return jwt.decode(token, settings.resolved_secret_key(), algorithms=["HS256"])
