"""WeChat through the real processes (Rasa, the action server and the app as `laborbot run` starts them), with
the app stopped or killed in the middle: a repeated MsgId is taken in once also across a restart, the outbox
survives a restart while the customer-service API is down, and a turn cut short by a crash is answered once
after the restart. The customer-service API is a fake on 127.0.0.1 that records every push."""

from __future__ import annotations

import pytest

from tests.channels.conftest import AES_KEY, APP_SECRET, APPID, TOKEN
from tests.support.processes import AppServer, BotStack, latest_model, local_settings
from tests.support.wait import wait_until
from tests.support.wechat_sim import WeChatPlatform, new_openid

pytestmark = pytest.mark.slow
QUESTION = "加班费怎么算"


@pytest.fixture
def product(tmp_path, real_index, fake_cs):
    """Rasa and the action server, and an app whose WeChat answers always go out through the outbox."""
    model = latest_model()
    assert model is not None, "no trained model: run `laborbot train`"
    settings = local_settings(tmp_path, real_index.parent)
    wechat = {
        "LABORBOT_WECHAT_TOKEN": TOKEN,
        "LABORBOT_WECHAT_AES_KEY": AES_KEY,
        "LABORBOT_WECHAT_APPID": APPID,
        "LABORBOT_WECHAT_APP_SECRET": APP_SECRET,
        "LABORBOT_WECHAT_API_BASE": fake_cs.url,
        "LABORBOT_WECHAT_REPLY_BUDGET_S": "0.01",
    }  # no turn finishes this fast: every answer is pushed
    bot = BotStack(settings, model).start()
    app = AppServer(settings, extra_env=wechat, healthy=True).start()
    yield app, WeChatPlatform(app.url, TOKEN, AES_KEY, APPID)
    app.stop()
    bot.stop()


def settled(app: AppServer, user: str) -> bool:
    """Every message of the user answered and every outbox row sent (the fake records a push first)."""
    inbound = {row[0] for row in app.rows("SELECT status FROM wechat_inbound WHERE openid = :u", u=user)}
    outbox = {row[0] for row in app.rows("SELECT status FROM wechat_outbox WHERE openid = :u", u=user)}
    return inbound == {"pushed"} and outbox == {"sent"}


def taken_in(app: AppServer, user: str) -> list[str]:
    return [
        row[0]
        for row in app.rows(
            "SELECT text FROM conversation_messages WHERE channel = 'wechat' AND user_id = :u AND direction = 'in'",
            u=user,
        )
    ]


def test_a_repeated_msgid_is_taken_in_once_also_across_a_restart(product, fake_cs):
    app, platform = product
    user = new_openid("dup")
    message = platform.text(user, QUESTION, msg_id=880000000001)
    assert platform.deliver(message).response.text == "success"
    wait_until(lambda: settled(app, user), 60, what="the first answer pushed")
    pushes = len(fake_cs.pushes_to(user))
    app.restart()
    assert platform.deliver(message).response.text == "success"  # WeChat's late retry
    assert taken_in(app, user) == [QUESTION] and settled(app, user)
    assert len(fake_cs.pushes_to(user)) == pushes


def test_the_outbox_survives_a_restart_while_the_push_api_is_down(product, fake_cs):
    app, platform = product
    user = new_openid("outage")
    fake_cs.offline = True
    assert platform.deliver(platform.text(user, "被辞退了有没有补偿")).response.text == "success"
    wait_until(
        lambda: app.rows("SELECT attempts FROM wechat_outbox WHERE openid = :u AND attempts > 0", u=user),
        60,
        what="a failed push attempt",
    )
    app.stop()
    assert {row[0] for row in app.rows("SELECT status FROM wechat_outbox WHERE openid = :u", u=user)} == {"pending"}
    fake_cs.offline = False
    app.start()
    wait_until(lambda: settled(app, user), 60, what="the answer pushed after the restart")
    pushed = fake_cs.pushes_to(user)
    assert "补偿" in "\n".join(pushed)
    assert len(pushed) == len(app.rows("SELECT id FROM wechat_outbox WHERE openid = :u", u=user))  # each row once


def test_a_turn_cut_short_by_a_crash_is_answered_once_after_the_restart(product, fake_cs):
    app, platform = product
    user = new_openid("crash")
    message = platform.text(user, QUESTION)
    assert platform.deliver(message).response.text == "success"
    app.crash()  # milliseconds after the acknowledgement: the bot is still working on the answer
    assert app.rows("SELECT status, text FROM wechat_inbound WHERE openid = :u", u=user) == [("processing", QUESTION)]
    app.start()
    assert platform.deliver(message).response.text == "success"  # WeChat's retry: taken in already
    wait_until(lambda: settled(app, user), 90, what="the answer pushed after the restart")
    pushed = fake_cs.pushes_to(user)
    assert "加班" in "\n".join(pushed)
    assert len(pushed) == len(app.rows("SELECT id FROM wechat_outbox WHERE openid = :u", u=user))
    assert taken_in(app, user) == [QUESTION]  # taken in once, answered once
