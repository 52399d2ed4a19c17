"""Fixtures for the channel tests, in-process: the app with the WeChat channel configured, a fake Rasa,
the real knowledge base, the WeChat platform simulator sending through the TestClient, and a fake of the
customer-service API on 127.0.0.1 (the outbox pushes to it over real HTTP)."""

from __future__ import annotations

import pytest

from tests.support.app import isolated_settings, running_app
from tests.support.fake_cs import FakeCustomerService
from tests.support.wechat_sim import WeChatPlatform

TOKEN = "laborbotTestToken2024"
AES_KEY = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"  # 43 characters, as the platform issues
APPID = "wx5d6e7f8a9b0c1d2e"
APP_SECRET = "test-app-secret"


@pytest.fixture(scope="session")
def fake_cs():
    server = FakeCustomerService(APPID, APP_SECRET).start()
    yield server
    server.stop()


def wechat_settings(tmp_path, fake_cs, **overrides):
    wechat = {
        "wechat_token": TOKEN,
        "wechat_aes_key": AES_KEY,
        "wechat_appid": APPID,
        "wechat_app_secret": APP_SECRET,
        "wechat_api_base": fake_cs.url,
    }
    return isolated_settings(tmp_path, **{**wechat, **overrides})


@pytest.fixture
def make_wechat_app(tmp_path, fake_cs, fake_rasa, knowledge):
    """Start the app with extra settings, e.g. make_wechat_app(wechat_reply_budget_s=0.01)."""
    started = []

    def start(**overrides):
        fake_cs.pushes.clear()
        fake_cs.failures.clear()
        fake_cs.offline = False
        context = running_app(wechat_settings(tmp_path, fake_cs, **overrides), fake_rasa, knowledge)
        started.append(context)
        return context.__enter__()

    yield start
    for context in reversed(started):
        context.__exit__(None, None, None)


@pytest.fixture
def wechat_app(make_wechat_app):
    """(TestClient, app) with the WeChat channel on, answering from the real knowledge base."""
    return make_wechat_app()


@pytest.fixture
def platform(wechat_app):
    client, _ = wechat_app
    return WeChatPlatform(str(client.base_url), TOKEN, AES_KEY, APPID, http=client)
