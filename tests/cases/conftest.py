"""Case tests run on both engines (tests/support/databases.py): the case service and its users."""

from __future__ import annotations

import pytest

from api.cases.service import CaseService
from api.conversation.outgoing import Outgoing
from api.users.models import Role, User


@pytest.fixture
def delivered() -> list[tuple[str, str, Outgoing, int | None]]:
    """What the case service handed to the worker's channel: (channel, user id, message, case id)."""
    return []


@pytest.fixture
def cases(sessions, delivered) -> CaseService:
    async def deliver(channel: str, user_id: str, outgoing: Outgoing, case_id: int | None = None) -> bool:
        delivered.append((channel, user_id, outgoing, case_id))
        return True

    return CaseService(sessions, deliver)


@pytest.fixture
def make_user(sessions):
    def make(username: str, role: Role = Role.lawyer) -> User:
        with sessions() as db:  # "!" is no argon2 hash: these accounts cannot log in, and need no hashing
            user = User(username=username, password_hash="!", role=role)
            db.add(user)
            db.commit()
            return user

    return make
