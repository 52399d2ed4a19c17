"""Fixtures for /admin: an installation with its own copy of the real index (staff re-index it), a fake
Rasa for the preview's NLU, staff accounts; in-process for HTTP tests, served over HTTP for the browser."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from api.core.settings import Settings
from knowledge_base.index import DOMAIN_MODEL_CACHE, set_current
from tests.support.app import create_accounts, isolated_settings, running_app
from tests.support.live import serve
from tests.support.wait import wait_until


@dataclass
class AdminEnv:
    client: object
    app: object
    settings: Settings


def admin_settings(tmp_path: Path, real_index: Path) -> Settings:
    """An installation serving one index version (a copy of the shared test index's current one) with the
    trained-model cache, so staff re-indexing an unchanged bank does not train again."""
    settings = isolated_settings(tmp_path)
    shared = real_index.parent
    shutil.copytree(real_index, settings.index_dir / real_index.name)
    shutil.copytree(shared / DOMAIN_MODEL_CACHE, settings.index_dir / DOMAIN_MODEL_CACHE)
    set_current(settings.index_dir, real_index.name)
    return settings


def _kb_ready(app) -> None:
    wait_until(lambda: app.state.kb is not None and app.state.kb.ready, 120, what="the knowledge base to load")


@pytest.fixture
def admin_env(tmp_path, real_index, fake_rasa):
    settings = admin_settings(tmp_path, real_index)
    with running_app(settings, fake_rasa) as (client, app):
        _kb_ready(app)
        create_accounts(app)
        yield AdminEnv(client, app, settings)


@pytest.fixture
def admin_live(tmp_path, real_index, fake_rasa):
    server = serve(admin_settings(tmp_path, real_index), fake_rasa)
    _kb_ready(server.app)
    create_accounts(server.app)
    yield server
    server.stop()
