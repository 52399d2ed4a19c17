"""The /wechat webhook speaking the Official Account protocol, against a real app server.

These need no bot: every request here is answered (or refused) by the channel itself."""
from __future__ import annotations

import time
from urllib.parse import urlencode

import httpx
import pytest

from api.channels.wechat import texts
from tests.channels.conftest import TOKEN
from tests.channels.wechat_sim import WeChatPlatform, new_openid, sign

pytestmark = pytest.mark.slow

BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE xml [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">]>
<xml><ToUserName>gh</ToUserName><FromUserName>oBomb</FromUserName><CreateTime>1</CreateTime>
<MsgType>text</MsgType><Content>&d;</Content><MsgId>1</MsgId></xml>"""
EXTERNAL_ENTITY = """<?xml version="1.0"?>
<!DOCTYPE xml [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<xml><ToUserName>gh</ToUserName><FromUserName>oXxe</FromUserName><CreateTime>1</CreateTime>
<MsgType>text</MsgType><Content>&secret;</Content><MsgId>2</MsgId></xml>"""


def nothing_stored(app_server) -> bool:
    return (
        app_server.rows("SELECT count(*) FROM wechat_inbound")[0][0] == 0
        and app_server.rows("SELECT count(*) FROM conversation_messages")[0][0] == 0
    )


def test_get_verification_echoes_only_for_the_right_signature(app_server):
    ts, nonce = str(int(time.time())), "n0nce"
    good = {"signature": sign(TOKEN, ts, nonce), "timestamp": ts, "nonce": nonce, "echostr": "7319284756"}
    response = httpx.get(f"{app_server.url}/wechat", params=good)
    assert (response.status_code, response.text) == (200, "7319284756")

    forged = good | {"signature": sign("not-the-token", ts, nonce)}
    assert httpx.get(f"{app_server.url}/wechat", params=forged).status_code == 403


def test_forged_signature_is_refused_and_nothing_is_stored(app_server):
    forger = WeChatPlatform(app_server.url, token="guessed-token")
    response = forger.post(forger.text(new_openid("forged"), "老板欠我三个月工资"))
    assert response.status_code == 403
    forged_encrypted = WeChatPlatform(app_server.url, "guessed-token", "B" * 43, "wx5d6e7f8a9b0c1d2e")
    response = forged_encrypted.post(forged_encrypted.text(new_openid("forged"), "你好"), encrypted=True)
    assert response.status_code == 403
    assert nothing_stored(app_server)


def test_stale_timestamp_is_a_replay(platform, app_server):
    old = int(time.time()) - 600
    response = platform.post(platform.text(new_openid("stale"), "我想问加班费"), timestamp=old)
    assert response.status_code == 403
    assert nothing_stored(app_server)


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
    assert first.reply == texts.WELCOME
    assert all(topic in first.reply for topic in texts.TOPICS)
    # The same event again (same sender and CreateTime): not taken twice, same answer.
    again = platform.deliver(event, encrypted=encrypted)
    assert again.reply == texts.WELCOME
    assert app_server.rows("SELECT kind, status FROM wechat_inbound WHERE openid = :u", u=user) == [
        ("subscribe", "passive")
    ]


def test_encrypted_reply_is_signed_for_the_request_nonce(platform):
    params, body = platform.query(platform.event(new_openid("nonce"), "subscribe"), encrypted=True, nonce="abc123")
    response = httpx.post(f"{platform.base_url}/wechat?{urlencode(params)}", content=body.encode())
    assert response.status_code == 200
    assert "<Nonce><![CDATA[abc123]]></Nonce>" in response.text
    assert "欢迎" not in response.text  # encrypted, not readable on the wire
    assert platform.reply_text(response, encrypted=True) == texts.WELCOME


def test_unsubscribe_and_unknown_events_get_success(platform, app_server):
    user = new_openid("leaver")
    assert platform.deliver(platform.event(user, "unsubscribe")).response.text == "success"
    assert platform.deliver(platform.event(user, "VIEW", create_time=int(time.time()) + 1)).response.text == "success"


def test_other_message_types_get_a_polite_text(platform):
    assert platform.deliver(platform.image(new_openid("photo"))).reply == texts.UNSUPPORTED


def test_voice_without_recognition_asks_to_type(platform, app_server):
    user = new_openid("voice")
    assert platform.deliver(platform.voice(user, "")).reply == texts.VOICE_UNRECOGNIZED
    assert app_server.rows("SELECT count(*) FROM conversation_messages")[0][0] == 0


def test_webhook_is_off_without_a_token(make_app):
    server = make_app(wechat_token="")
    ts = str(int(time.time()))
    response = httpx.get(f"{server.url}/wechat", params={"signature": sign("", ts, "n"), "timestamp": ts,
                                                          "nonce": "n", "echostr": "1"})
    assert response.status_code == 404
