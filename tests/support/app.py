"""The app in-process: create_app with its own temporary database and var directory, a fake Rasa and a
knowledge base given by the test, driven with FastAPI's TestClient (lifespan included)."""

from __future__ import annotations

import itertools
from contextlib import contextmanager
from pathlib import Path

from fastapi.testclient import TestClient

from api.core.migrate import upgrade_database
from api.core.settings import Settings
from api.main import create_app
from tests.support.fake_rasa import FakeRasa


def isolated_settings(tmp_path: Path, **overrides) -> Settings:
    var = tmp_path / "var"
    return Settings(var_dir=var, database_url=f"sqlite:///{tmp_path / 'app.db'}", index_dir=var / "index", **overrides)


@contextmanager
def running_app(settings: Settings, rasa: FakeRasa | None = None, kb=None):
    """Yields (client, app); ``kb`` is the serving knowledge base (else the app loads settings.index_dir)."""
    upgrade_database(settings.sqlalchemy_url)
    app = create_app(settings, rasa=rasa or FakeRasa())
    app.state.kb = kb
    with TestClient(app) as client:
        app.state.test_portal = client.portal  # other "browsers" share this running event loop
        yield client, app


_client_ids = itertools.count()


def chat_turn(client, text: str, payload: str | None = None) -> list[dict]:
    """Post one web-chat message from this browser; returns the bot's new messages."""
    before = client.get("/api/webchat/messages").json()["messages"]
    after = max((m["id"] for m in before), default=0)
    body = {"text": text, "client_id": f"test-client-{next(_client_ids):04d}", "after": after}
    if payload:
        body["payload"] = payload
    response = client.post("/api/webchat/messages", json=body)
    assert response.status_code == 200, response.text
    return [m for m in response.json()["messages"] if m["author"] != "worker"]


PASSWORD = "Staff-pass-2024"
ACCOUNTS = {"lawyer_li": "lawyer", "lawyer_wang": "lawyer", "admin_zhao": "admin", "staff_sun": "staff"}


def create_accounts(app) -> dict[str, str]:
    """username -> role; every password is PASSWORD."""
    from api.users.models import Role
    from api.users.service import create_user

    with app.state.sessions() as db:
        for username, role in ACCOUNTS.items():
            create_user(db, username, PASSWORD, Role(role))
    return dict(ACCOUNTS)


def form_csrf(html: str) -> str:
    import re

    return re.search(r'name="csrf" value="([^"]+)"', html).group(1)


def staff_login(app, area: str, username: str, password: str = PASSWORD):
    """A separate browser (TestClient with its own cookies) logged in to /console or /admin. It uses the
    running app's event loop, so background work its requests start (an index build, a push to a worker)
    goes on after the response, as in the served product."""
    client = TestClient(app)
    client.portal = getattr(app.state, "test_portal", None)
    page = client.get(f"/{area}/login")
    response = client.post(
        f"/{area}/login",
        data={"username": username, "password": password, "csrf": form_csrf(page.text)},
        follow_redirects=False,
    )
    return client, response
