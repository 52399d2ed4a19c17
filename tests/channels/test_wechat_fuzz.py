"""Fuzzing the WeChat entry point (hypothesis, bounded): correctly signed requests whose body is anything an
attacker or a broken client could send (random bytes, random XML, WeChat messages with random fields,
random ciphertext in safe mode, encrypted envelopes around random XML). The app never fails with a server
error, answers within its documented codes, and stores nothing for a request it refuses."""

from __future__ import annotations

import base64

import pytest
import xmltodict
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from api.channels.wechat.models import WechatInbound
from tests.support.wechat_sim import new_openid

pytestmark = pytest.mark.slow
EXAMPLES = 60
DOCUMENTED = {200, 400, 403, 413, 422}

texts = st.text(st.characters(blacklist_categories=("Cs",)), max_size=300)
fields = st.dictionaries(
    st.sampled_from(
        [
            "ToUserName",
            "FromUserName",
            "CreateTime",
            "MsgType",
            "Content",
            "MsgId",
            "Event",
            "Recognition",
            "Encrypt",
            "EventKey",
        ]
    ),
    st.one_of(texts, st.integers(-(2**70), 2**70).map(str), st.sampled_from(["text", "event", "voice", "subscribe"])),
    max_size=8,
)


def _xml(values: dict) -> str:
    return xmltodict.unparse({"xml": values}, full_document=False) if values else "<xml/>"


bodies = st.one_of(
    st.binary(max_size=2000).map(lambda b: b.decode("latin-1")),
    texts,
    fields.map(_xml),
    st.builds(
        lambda f, c: _xml(
            {
                "ToUserName": "gh",
                "FromUserName": new_openid("fuzz"),
                "CreateTime": "1",
                "MsgType": "text",
                "MsgId": str(abs(hash(c)) % 10**12),
                **f,
                "Content": c,
            }
        ),
        fields,
        texts,
    ),
)


def _stored(app) -> int:
    with app.state.sessions() as db:
        return db.scalar(select(func.count()).select_from(WechatInbound))


def test_any_plaintext_body_with_a_valid_signature(platform, wechat_app):
    _, app = wechat_app

    @given(body=bodies)
    @settings(
        max_examples=EXAMPLES, deadline=None, derandomize=True, database=None, suppress_health_check=list(HealthCheck)
    )
    def send(body):
        before = _stored(app)
        response = platform.post(body)
        assert response.status_code in DOCUMENTED, (response.status_code, body[:200])
        if response.status_code != 200:
            assert _stored(app) == before

    send()


def test_any_ciphertext_or_encrypted_body_in_safe_mode(platform, wechat_app):
    _, app = wechat_app

    @given(
        encrypt=st.one_of(texts, st.binary(max_size=600).map(lambda b: base64.b64encode(b).decode())),
        inner=bodies,
        wrap=st.booleans(),
    )
    @settings(
        max_examples=EXAMPLES, deadline=None, derandomize=True, database=None, suppress_health_check=list(HealthCheck)
    )
    def send(encrypt, inner, wrap):
        before = _stored(app)
        if wrap:  # a correctly encrypted and signed envelope around anything
            response = platform.post(inner, encrypted=True)
        else:  # random ciphertext, correctly signed
            response = platform.post_ciphertext(encrypt, nonce=f"n{abs(hash(encrypt)) % 10**8}")
        assert response.status_code in DOCUMENTED, (response.status_code, encrypt[:80], inner[:120])
        if response.status_code != 200:
            assert _stored(app) == before

    send()
