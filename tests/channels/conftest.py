"""Fixtures for the channel tests: real app processes on 127.0.0.1, the WeChat platform simulator,
a fake customer-service API, and (for end-to-end turns) Rasa + the action server from the trained model."""
from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from api.core.settings import Settings
from tests.channels.fake_cs import FakeCustomerService
from tests.channels.servers import AppServer, BotStack, free_port, latest_model
from tests.channels.wechat_sim import WeChatPlatform

TOKEN = "laborbotTestToken2024"
AES_KEY = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"  # 43 characters, as the platform issues
APPID = "wx5d6e7f8a9b0c1d2e"
APP_SECRET = "test-app-secret"
_databases = itertools.count()


@pytest.fixture(scope="session")
def fake_cs():
    server = FakeCustomerService(APPID, APP_SECRET).start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def stack_settings(tmp_path_factory, fake_cs) -> Settings:
    """One port plan for the session: the action server must know where the app listens."""
    var_dir = tmp_path_factory.mktemp("channels-var")
    return Settings(
        var_dir=var_dir,
        port=free_port(),
        rasa_url=f"http://127.0.0.1:{free_port()}",
        action_server_port=free_port(),
        wechat_token=TOKEN,
        wechat_aes_key=AES_KEY,
        wechat_appid=APPID,
        wechat_app_secret=APP_SECRET,
        wechat_api_base=fake_cs.url,
    )


@pytest.fixture(scope="session")
def bot(stack_settings):
    """Rasa and the action server, started from the trained model (the real bot)."""
    model = latest_model()
    assert model is not None, "no trained model in models/: run `laborbot train` first"
    stack = BotStack(stack_settings, model).start()
    yield stack_settings
    stack.stop()


def _app(stack_settings: Settings, tmp_path: Path, fake_cs: FakeCustomerService, healthy: bool,
         **overrides) -> AppServer:
    fake_cs.pushes.clear()
    fake_cs.failures.clear()
    fake_cs.offline = False
    database = tmp_path / f"app-{next(_databases)}.db"
    settings = stack_settings.model_copy(update={"database_url": f"sqlite:///{database}"})
    env = {f"LABORBOT_{key.upper()}": str(value) for key, value in overrides.items()}
    return AppServer(settings, env, healthy)


@pytest.fixture
def make_app(stack_settings, tmp_path, fake_cs):
    """Start an app with extra settings, e.g. make_app(wechat_reply_budget_s=0.01); healthy=True waits
    for /healthz 200 (needs the `bot` fixture)."""
    started: list[AppServer] = []

    def start(healthy: bool = False, **overrides) -> AppServer:
        server = _app(stack_settings, tmp_path, fake_cs, healthy, **overrides).start()
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()


@pytest.fixture
def bot_app(bot, make_app) -> AppServer:
    """An app in front of the real bot, ready to answer."""
    return make_app(healthy=True)


@pytest.fixture
def app_server(make_app) -> AppServer:
    return make_app()


@pytest.fixture
def platform(app_server):
    sim = WeChatPlatform(app_server.url, TOKEN, AES_KEY, APPID)
    yield sim
    sim.close()

