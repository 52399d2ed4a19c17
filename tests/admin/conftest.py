"""Fixtures: the real corpus index (built once per session, copied per test), Rasa from the trained model
(when one was trained), and a live app server on 127.0.0.1 over a throw-away installation."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest

from api.core import db as core_db
from api.core.migrate import upgrade_database
from api.core.settings import Settings
from api.users.models import Role
from api.users.service import create_user
from knowledge_base.index import Sources, build_index
from knowledge_base.manifest import MANIFEST_PATH
from tests.channels.servers import BotStack, free_port, latest_model
from tests.console.live import INTERNAL_TOKEN, PASSWORD, clear_caches, start_server, stop_server

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def base_index(tmp_path_factory) -> Path:
    """The repo defaults (corpus, policy documents, FAQ cards) built with the product's backends."""
    index_dir = tmp_path_factory.mktemp("admin-kb") / "index"
    settings = Settings()
    build_index(Sources(corpus_dir=settings.corpus_dir, kb_docs_dir=REPO / "knowledge_base" / "documents",
                        manifest_path=MANIFEST_PATH, data_dir=REPO / "knowledge_base" / "data"), index_dir)
    return index_dir


@pytest.fixture(scope="session")
def rasa_url(tmp_path_factory):
    """Rasa serving the latest trained model (real NLU for the preview), or None when none was trained."""
    model = latest_model()
    if model is None:
        yield None
        return
    settings = Settings(var_dir=tmp_path_factory.mktemp("admin-bot"), port=free_port(),
                        rasa_url=f"http://127.0.0.1:{free_port()}", action_server_port=free_port(),
                        internal_token=INTERNAL_TOKEN)
    settings.index_dir.mkdir(parents=True)  # keeps BotStack from linking the developer's index
    stack = BotStack(settings, model).start()
    yield settings.rasa_url
    stack.stop()


@pytest.fixture
def admin_env(tmp_path, monkeypatch, base_index):
    """A throw-away installation with its own copy of the index; returns its settings."""
    index_dir = tmp_path / "var" / "index"
    shutil.copytree(base_index, index_dir, symlinks=True)
    url = f"sqlite:///{tmp_path / 'laborbot.db'}"
    for key, value in {
        "VAR_DIR": str(tmp_path / "var"),
        "DATABASE_URL": url,
        "INDEX_DIR": str(index_dir),
        "RASA_URL": f"http://127.0.0.1:{free_port()}",
        "RASA_TIMEOUT_S": "5",
        "INTERNAL_TOKEN": INTERNAL_TOKEN,
        "SECRET_KEY": "admin-test-secret-" + "x" * 32,
    }.items():
        monkeypatch.setenv(f"LABORBOT_{key}", value)
    clear_caches()
    upgrade_database(url)
    with core_db.get_sessionmaker()() as db:
        create_user(db, "staff_sun", PASSWORD, Role.staff)
        create_user(db, "lawyer_li", PASSWORD, Role.lawyer)
    yield Settings()
    core_db.get_engine().dispose()
    clear_caches()


def _serve(monkeypatch, rasa: str | None):
    from api.core.settings import get_settings
    from api.main import create_app

    if rasa:
        monkeypatch.setenv("LABORBOT_RASA_URL", rasa)
        get_settings.cache_clear()
    server, thread, handle = start_server(create_app())
    deadline = time.monotonic() + 120
    while handle.app.state.kb is None or not handle.app.state.kb.ready:
        assert time.monotonic() < deadline, "knowledge base did not load"
        time.sleep(0.1)
    return server, thread, handle


@pytest.fixture
def live(admin_env, monkeypatch):
    """The app without NLU (Rasa URL points nowhere)."""
    server, thread, handle = _serve(monkeypatch, None)
    yield handle
    stop_server(server, thread)


@pytest.fixture
def live_nlu(admin_env, monkeypatch, rasa_url):
    """The app with the real Rasa server (scripts/test.sh trains the model first)."""
    assert rasa_url is not None, "no trained Rasa model in models/: run `laborbot train`"
    server, thread, handle = _serve(monkeypatch, rasa_url)
    yield handle
    stop_server(server, thread)
