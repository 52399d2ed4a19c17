"""Real databases for case tests: a SQLite file and a throw-away PostgreSQL database on 127.0.0.1:5432."""

from __future__ import annotations

import secrets

import psycopg
import pytest
from sqlalchemy.orm import sessionmaker

from api.cases.service import CaseService
from api.conversation.outgoing import Outgoing
from api.core.db import make_engine
from api.core.migrate import upgrade_database
from api.users.models import Role, User

PG_ADMIN = "host=127.0.0.1 port=5432 user=postgres dbname=postgres"


@pytest.fixture
def sqlite_url(tmp_path) -> str:
    return f"sqlite:///{tmp_path / 'cases.db'}"


@pytest.fixture
def postgres_url():
    name = f"laborbot_test_{secrets.token_hex(6)}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    yield f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request) -> str:
    return request.getfixturevalue("sqlite_url" if request.param == "sqlite" else "postgres_url")


@pytest.fixture
def engine(db_url):
    upgrade_database(db_url)
    engine = make_engine(db_url)
    yield engine
    engine.dispose()


@pytest.fixture
def sessions(engine) -> sessionmaker:
    return sessionmaker(bind=engine, expire_on_commit=False)


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
