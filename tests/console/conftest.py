"""Fixtures for the console tests: the in-process app and accounts come from tests/support/fixtures.py;
the browser journey serves the app over HTTP."""

from __future__ import annotations

import pytest

from tests.support.app import create_accounts, isolated_settings
from tests.support.live import serve


@pytest.fixture
def live(tmp_path, fake_rasa, knowledge):
    """The app over real HTTP, answering from the real knowledge base, with staff accounts."""
    server = serve(isolated_settings(tmp_path, chat_rate_limit_per_min=1000), fake_rasa, knowledge)
    create_accounts(server.app)
    yield server
    server.stop()
