"""The whole product (Rasa + action server + web app) on 127.0.0.1, called as an outsider would."""

from __future__ import annotations

import os
import subprocess
import sys

import httpx
import pytest

from api.core.settings import PROJECT_ROOT, Settings
from api.ops.launcher import settings_env
from tests.support.processes import AppServer, BotStack, latest_model, local_settings
from tests.support.wait import wait_until

PASSWORD = "Str0ng-pass-for-tests"
ROLES = ("staff", "lawyer", "admin")


@pytest.fixture(scope="session")
def product(tmp_path_factory, real_index) -> Settings:
    model = latest_model()
    assert model is not None, "no trained model: run `laborbot train` (scripts/test.sh does)"
    # the shared test index; these tests only read it
    settings = local_settings(tmp_path_factory.mktemp("product-var"), real_index.parent)
    bot = BotStack(settings, model).start()
    app = AppServer(settings).start()
    wait_until(lambda: httpx.get(f"{app.url}/healthz", timeout=5).status_code == 200, 240, 1.0, "healthz 200")
    for role in ROLES:
        laborbot(settings, "user", "add", "--role", role, "--username", f"{role}1")
    yield settings
    app.stop()
    bot.stop()


def laborbot(settings: Settings, *args: str) -> subprocess.CompletedProcess:
    """Run the operator CLI against this installation, as the README tells an operator to."""
    env = {**os.environ, **settings_env(settings), "LABORBOT_PASSWORD": PASSWORD}
    return subprocess.run(
        [os.path.join(os.path.dirname(sys.executable), "laborbot"), *args],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )


@pytest.fixture(scope="session")
def base_url(product: Settings) -> str:
    return f"http://127.0.0.1:{product.port}"


@pytest.fixture(scope="session")
def token(base_url) -> str:
    response = httpx.post(f"{base_url}/api/v1/auth/token", data={"username": "staff1", "password": PASSWORD})
    response.raise_for_status()
    return response.json()["access_token"]
