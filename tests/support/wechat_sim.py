"""A stand-in for the WeChat platform, built on wechatpy: messages signed (and, in safe mode,
encrypted) exactly as the Official Account platform sends them, with its retry schedule."""

from __future__ import annotations

import itertools
import secrets
import time
from dataclasses import dataclass, field
from urllib.parse import urlencode

import httpx
import xmltodict
from wechatpy.crypto import WeChatCrypto
from wechatpy.utils import WeChatSigner

from tests.support.wait import wait_until

ATTEMPT_TIMEOUT_S = 5.0  # WeChat drops the connection after 5 s …
RETRIES = 3  # … and sends the same message again, three times at most
_msg_ids = itertools.count(int(time.time() * 1000) * 1000)
_users = itertools.count()


def new_openid(name: str) -> str:
    """An openid-shaped id unique to this run (Rasa keeps its trackers across tests)."""
    return f"oTest_{name}_{int(time.time())}_{next(_users)}"


def sign(*parts: str) -> str:
    signer = WeChatSigner()
    signer.add_data(*parts)
    return signer.signature


@dataclass
class Delivery:
    """What the platform saw for one message: one entry per attempt (HTTP status or the error)."""

    attempts: list[str] = field(default_factory=list)
    response: httpx.Response | None = None
    reply: str | None = None  # passive reply text; None for "success"


class WeChatPlatform:
    def __init__(
        self,
        base_url: str,
        token: str,
        aes_key: str = "",
        appid: str = "",
        account: str = "gh_union_test",
        http: httpx.Client | None = None,
    ):
        """``http``: the client to send with, e.g. FastAPI's TestClient for an app in this process."""
        self.base_url = base_url.rstrip("/")
        self.token = token
        self.account = account
        self.crypto = WeChatCrypto(token, aes_key, appid) if aes_key else None
        self.http = http or httpx.Client(timeout=ATTEMPT_TIMEOUT_S)

    def close(self) -> None:
        self.http.close()

    # Messages as the platform writes them.
    def text(self, openid: str, content: str, msg_id: int | None = None) -> str:
        return self._xml(openid, "text", Content=content, MsgId=msg_id or next(_msg_ids))

    def voice(self, openid: str, recognition: str, msg_id: int | None = None) -> str:
        return self._xml(
            openid,
            "voice",
            MediaId="media-" + secrets.token_hex(6),
            Format="amr",
            Recognition=recognition,
            MsgId=msg_id or next(_msg_ids),
        )

    def image(self, openid: str) -> str:
        return self._xml(openid, "image", PicUrl="http://127.0.0.1/none.jpg", MediaId="m1", MsgId=next(_msg_ids))

    def event(self, openid: str, event: str, create_time: int | None = None) -> str:
        return self._xml(openid, "event", create_time=create_time, Event=event, EventKey="")

    def _xml(self, openid: str, msg_type: str, create_time: int | None = None, **fields) -> str:
        body = {
            "ToUserName": self.account,
            "FromUserName": openid,
            "CreateTime": create_time or int(time.time()),
            "MsgType": msg_type,
            **fields,
        }
        return xmltodict.unparse({"xml": body}, full_document=False)

    # Transport.
    def query(
        self, body: str, encrypted: bool, timestamp: int | None = None, nonce: str | None = None, openid: str = ""
    ) -> tuple[dict[str, str], str]:
        """Query parameters and body of one POST, signed like the platform does."""
        ts, nonce = str(timestamp or int(time.time())), nonce or secrets.token_hex(5)
        params = {"signature": sign(self.token, ts, nonce), "timestamp": ts, "nonce": nonce, "openid": openid}
        if not encrypted:
            return params, body
        envelope = xmltodict.parse(self.crypto.encrypt_message(body, nonce, ts))["xml"]
        params |= {"encrypt_type": "aes", "msg_signature": envelope["MsgSignature"]}
        outer = xmltodict.unparse(
            {"xml": {"ToUserName": self.account, "Encrypt": envelope["Encrypt"]}}, full_document=False
        )
        return params, outer

    def post(
        self, body: str, encrypted: bool = False, timeout_s: float = ATTEMPT_TIMEOUT_S, **sign_args
    ) -> httpx.Response:
        params, payload = self.query(body, encrypted, **sign_args)
        extra = {} if self.in_process else {"timeout": timeout_s}  # an in-process app has no connection to drop
        return self.http.post(
            f"{self.base_url}/wechat?{urlencode(params)}",
            content=payload.encode(),
            headers={"Content-Type": "text/xml"},
            **extra,
        )

    def post_ciphertext(self, encrypt: str, nonce: str | None = None) -> httpx.Response:
        """An envelope whose Encrypt is ``encrypt`` as given (random bytes, say), correctly signed."""
        ts, nonce = str(int(time.time())), nonce or secrets.token_hex(5)
        params = {
            "signature": sign(self.token, ts, nonce),
            "timestamp": ts,
            "nonce": nonce,
            "encrypt_type": "aes",
            "msg_signature": sign(self.token, ts, nonce, encrypt),
        }
        body = xmltodict.unparse({"xml": {"ToUserName": self.account, "Encrypt": encrypt}}, full_document=False)
        return self.http.post(f"{self.base_url}/wechat?{urlencode(params)}", content=body.encode())

    @property
    def in_process(self) -> bool:
        return str(self.http.base_url).startswith("http://testserver")

    def deliver(self, body: str, encrypted: bool = False) -> Delivery:
        """Send like the platform: no answer within 5 s (or an error) means the same message again,
        5 s after the previous try, three times at most."""
        delivery = Delivery()
        params, payload = self.query(body, encrypted)
        url = f"{self.base_url}/wechat?{urlencode(params)}"
        for _attempt in range(1 + RETRIES):
            started = time.monotonic()
            try:
                response = self.http.post(url, content=payload.encode(), headers={"Content-Type": "text/xml"})
            except httpx.HTTPError as exc:
                delivery.attempts.append(type(exc).__name__)
            else:
                delivery.attempts.append(str(response.status_code))
                if response.status_code == 200:
                    delivery.response = response
                    delivery.reply = self.reply_text(response, encrypted)
                    return delivery
            time.sleep(max(0.0, ATTEMPT_TIMEOUT_S - (time.monotonic() - started)))
        return delivery

    def reply_text(self, response: httpx.Response, encrypted: bool) -> str | None:
        """The passive reply's text (decrypted and signature-checked in safe mode); None for `success`."""
        if response.text in ("", "success"):
            return None
        reply = xmltodict.parse(response.text)["xml"]
        if encrypted:
            inner = self.crypto.decrypt_message(
                response.text, reply["MsgSignature"], reply["TimeStamp"], reply["Nonce"]
            )
            reply = xmltodict.parse(inner)["xml"]
        assert reply["MsgType"] == "text"
        return reply["Content"]


def answer_of(delivery: Delivery, fake_cs, user: str) -> str:
    """The worker's answer: the passive reply, or (after `success`) the customer-service pushes."""
    if delivery.reply is not None:
        return delivery.reply
    assert delivery.response.text == "success"
    return "\n".join(wait_until(lambda: fake_cs.pushes_to(user), 30, what="a customer-service push"))
