from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.users.models import Role, User
from api.users.security import hash_password, verify_password


class UserExistsError(ValueError):
    pass


def create_user(db: Session, username: str, password: str, role: Role) -> User:
    if db.scalar(select(User).where(User.username == username)):
        raise UserExistsError(username)
    user = User(username=username, password_hash=hash_password(password), role=role)
    db.add(user)
    db.commit()
    return user


def authenticate(db: Session, username: str, password: str) -> User | None:
    user = db.scalar(select(User).where(User.username == username, User.is_active.is_(True)))
    if not verify_password(password, user.password_hash if user else None):
        return None
    return user
