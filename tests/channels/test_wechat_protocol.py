"""The /wechat webhook speaking the Official Account protocol, in-process: signatures, encryption,
replays, XML tricks, sizes, and the messages the channel answers itself."""

from __future__ import annotations

import time
from urllib.parse import urlencode

import pytest
from sqlalchemy import func, select

from api.channels.wechat import texts
from api.channels.wechat.models import WechatInbound
from api.conversation.models import ConversationMessage
from phrasebook import say
from tests.channels.conftest import APPID, TOKEN
from tests.support.wechat_sim import WeChatPlatform, new_openid, sign

BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE xml [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">]>
<xml><ToUserName>gh</ToUserName><FromUserName>oBomb</FromUserName><CreateTime>1</CreateTime>
<MsgType>text</MsgType><Content>&d;</Content><MsgId>1</MsgId></xml>"""
EXTERNAL_ENTITY = """<?xml version="1.0"?>
<!DOCTYPE xml [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<xml><ToUserName>gh</ToUserName><FromUserName>oXxe</FromUserName><CreateTime>1</CreateTime>
<MsgType>text</MsgType><Content>&secret;</Content><MsgId>2</MsgId></xml>"""


def count(app, model) -> int:
    with app.state.sessions() as db:
        return db.scalar(select(func.count()).select_from(model))


@pytest.fixture
def app_server(wechat_app):
    return wechat_app[1]


def nothing_stored(app) -> bool:
    return count(app, WechatInbound) == 0 and count(app, ConversationMessage) == 0


def test_get_verification_echoes_only_for_the_right_signature(wechat_app):
    client, _ = wechat_app
    ts, nonce = str(int(time.time())), "n0nce"
    good = {"signature": sign(TOKEN, ts, nonce), "timestamp": ts, "nonce": nonce, "echostr": "7319284756"}
    response = client.get("/wechat", params=good)
    assert (response.status_code, response.text) == (200, "7319284756")
    forged = good | {"signature": sign("not-the-token", ts, nonce)}
    assert client.get("/wechat", params=forged).status_code == 403


def test_forged_signature_is_refused_and_nothing_is_stored(wechat_app):
    client, app = wechat_app
    forger = WeChatPlatform(str(client.base_url), token="guessed-token", http=client)
    assert forger.post(forger.text(new_openid("forged"), "老板欠我三个月工资")).status_code == 403
    forged_encrypted = WeChatPlatform(str(client.base_url), "guessed-token", "B" * 43, APPID, http=client)
    response = forged_encrypted.post(forged_encrypted.text(new_openid("forged"), "你好"), encrypted=True)
    assert response.status_code == 403
    assert nothing_stored(app)


def test_stale_timestamp_is_a_replay(platform, app_server):
    old = int(time.time()) - 600
    response = platform.post(platform.text(new_openid("stale"), "我想问加班费"), timestamp=old)
    assert response.status_code == 403
    assert nothing_stored(app_server)


def test_a_captured_signed_query_cannot_be_used_again(platform, app_server):
    """Within the time window a signature is only good once: the nonce is remembered."""
    params, body = platform.query(platform.text(new_openid("first"), "你好"), encrypted=False)
    url = f"{platform.base_url}/wechat?{urlencode(params)}"
    assert platform.http.post(url, content=body.encode()).status_code == 200
    forged = platform.text(new_openid("intruder"), "另一个人冒充发的消息")
    assert platform.http.post(url, content=forged.encode()).status_code == 403


def test_random_ciphertext_with_a_valid_signature_is_a_bad_request(platform, app_server):
    response = platform.post_ciphertext("QUJDREVGR0hJSktMTU5PUA==")  # decodes, but is no message
    assert response.status_code == 400
    assert nothing_stored(app_server)


@pytest.mark.parametrize(("content", "why"), [("", "空"), ("   ", "空"), ("长" * 2001, "太长")])
def test_empty_or_over_long_text_is_answered_and_nothing_is_stored(platform, app_server, content, why):
    delivery = platform.deliver(platform.text(new_openid("bad-text"), content))
    assert delivery.attempts == ["200"] and why in delivery.reply
    assert count(app_server, ConversationMessage) == 0


@pytest.mark.parametrize(
    "body",
    [
        "<xml><ToUserName>gh</ToUserName><FromUserName>o1",  # cut off
        "not xml at all",
        "<note><MsgType>text</MsgType></note>",  # not a WeChat message
        "<xml><ToUserName>gh</ToUserName><Content>缺少类型</Content></xml>",
    ],
)
def test_malformed_xml_is_a_bad_request(platform, app_server, body):
    assert platform.post(body).status_code == 400
    assert nothing_stored(app_server)


@pytest.mark.parametrize("body", [BILLION_LAUGHS, EXTERNAL_ENTITY])
def test_entity_tricks_are_refused_before_parsing(platform, app_server, body):
    assert platform.post(body).status_code == 400
    assert nothing_stored(app_server)


def test_entity_tricks_inside_the_encrypted_envelope_are_refused(platform, app_server):
    assert platform.post(BILLION_LAUGHS, encrypted=True).status_code == 400
    assert nothing_stored(app_server)


def test_oversized_body_is_refused(platform, app_server):
    huge = platform.text(new_openid("huge"), "工资" * 40_000)
    assert platform.post(huge).status_code == 413
    assert nothing_stored(app_server)


@pytest.mark.parametrize("encrypted", [False, True], ids=["plaintext", "safe-mode"])
def test_subscribe_gets_the_welcome_menu_once(platform, app_server, encrypted):
    user = new_openid("subscriber")
    event = platform.event(user, "subscribe")
    first = platform.deliver(event, encrypted=encrypted)
    assert first.attempts == ["200"]
    assert first.reply == texts.welcome()
    assert all(topic in first.reply for topic in ("工资拖欠", "加班费", "工伤", "社保", "转人工"))
    # The same event again (same sender and CreateTime): not taken twice, same answer.
    again = platform.deliver(event, encrypted=encrypted)
    assert again.reply == texts.welcome()
    with app_server.state.sessions() as db:
        rows = db.execute(select(WechatInbound.kind, WechatInbound.status).where(WechatInbound.openid == user)).all()
    assert [tuple(r) for r in rows] == [("subscribe", "passive")]


def test_encrypted_reply_is_signed_for_the_request_nonce(platform):
    params, body = platform.query(platform.event(new_openid("nonce"), "subscribe"), encrypted=True, nonce="abc123")
    response = platform.http.post(f"{platform.base_url}/wechat?{urlencode(params)}", content=body.encode())
    assert response.status_code == 200
    assert "<Nonce><![CDATA[abc123]]></Nonce>" in response.text
    assert "欢迎" not in response.text  # encrypted, not readable on the wire
    assert platform.reply_text(response, encrypted=True) == texts.welcome()


def test_unsubscribe_and_unknown_events_get_success(platform, app_server):
    user = new_openid("leaver")
    assert platform.deliver(platform.event(user, "unsubscribe")).response.text == "success"
    assert platform.deliver(platform.event(user, "VIEW", create_time=int(time.time()) + 1)).response.text == "success"


def test_other_message_types_get_a_polite_text(platform):
    assert platform.deliver(platform.image(new_openid("photo"))).reply == say("wechat.unsupported")


def test_voice_without_recognition_asks_to_type(platform, app_server):
    user = new_openid("voice")
    assert platform.deliver(platform.voice(user, "")).reply == say("wechat.voice_unrecognized")
    assert count(app_server, ConversationMessage) == 0


def test_webhook_is_off_without_a_token(make_wechat_app):
    client, _ = make_wechat_app(wechat_token="")
    ts = str(int(time.time()))
    response = client.get(
        "/wechat", params={"signature": sign("", ts, "n"), "timestamp": ts, "nonce": "n", "echostr": "1"}
    )
    assert response.status_code == 404
