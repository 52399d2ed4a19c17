"""Fixtures: a throw-away installation (SQLite file, settings) and a live app server over it.

Rasa points at a port where nothing listens: these tests cover the paths that must not reach the bot
(an open case, feedback) and would see the "busy" reply if a message wrongly went to Rasa.
"""

from __future__ import annotations

import pytest

from api.core import db as core_db
from api.core.migrate import upgrade_database
from api.users.models import Role
from api.users.service import create_user

from .live import INTERNAL_TOKEN, PASSWORD, clear_caches, free_port, start_server, stop_server


@pytest.fixture
def live_env(tmp_path, monkeypatch):
    """Settings for a throw-away installation; returns the database URL."""
    url = f"sqlite:///{tmp_path / 'laborbot.db'}"
    for key, value in {
        "VAR_DIR": str(tmp_path / "var"),
        "DATABASE_URL": url,
        "RASA_URL": f"http://127.0.0.1:{free_port()}",
        "RASA_TIMEOUT_S": "2",
        "INTERNAL_TOKEN": INTERNAL_TOKEN,
        "SECRET_KEY": "console-test-secret-" + "x" * 32,
        "CHAT_RATE_LIMIT_PER_MIN": "1000",
    }.items():
        monkeypatch.setenv(f"LABORBOT_{key}", value)
    clear_caches()
    upgrade_database(url)
    yield url
    core_db.get_engine().dispose()
    clear_caches()


@pytest.fixture
def live(live_env):
    from api.main import create_app

    server, thread, handle = start_server(create_app())
    yield handle
    stop_server(server, thread)


@pytest.fixture
def accounts(live_env):
    """username -> role; every password is PASSWORD."""
    roles = {
        "lawyer_li": Role.lawyer,
        "lawyer_wang": Role.lawyer,
        "admin_zhao": Role.admin,
        "staff_sun": Role.staff,
    }
    with core_db.get_sessionmaker()() as db:
        for username, role in roles.items():
            create_user(db, username, PASSWORD, role)
    return roles
