"""Verify and open requests from the WeChat platform; render passive replies.

Every body is parsed with defusedxml before wechatpy (which uses xmltodict/expat) sees it, so DTDs,
entity expansion and external entities are refused up front.
"""

from __future__ import annotations

import hashlib
import re
import threading
import time
from dataclasses import dataclass
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring
from wechatpy import create_reply, parse_message
from wechatpy.crypto import WeChatCrypto
from wechatpy.exceptions import InvalidAppIdException, InvalidSignatureException
from wechatpy.messages import BaseMessage
from wechatpy.utils import check_signature

from api.core.settings import Settings


class Rejected(Exception):
    """The request is not a valid, fresh message from WeChat; nothing is processed or stored."""

    def __init__(self, status_code: int, detail: str) -> None:
        super().__init__(detail)
        self.status_code = status_code
        self.detail = detail


MSG_KEY_PREFIX = "msg:"
# What the platform sends fits the columns it is stored in (wechat_inbound.openid is 64, key 128).
_OPENID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
_MSG_ID = re.compile(r"^[0-9]{1,64}$")
_EVENT_FIELD = re.compile(r"^[0-9]{0,20}$")


class SeenSignatures:
    """Signed query strings seen within the time window, with the body each one came with. WeChat retries a
    message with the same query and body; the same query with another body is a replay of a captured one.
    In memory for one app process (the scale-out configuration keeps it in Redis)."""

    def __init__(self, ttl_s: float) -> None:
        self.ttl_s = ttl_s
        self._seen: dict[str, tuple[str, float]] = {}
        self._lock = threading.Lock()

    def first_or_same(self, signed: str, body: bytes) -> bool:
        digest = hashlib.sha256(body).hexdigest()
        now = time.monotonic()
        with self._lock:
            if len(self._seen) > 10_000:
                self._seen = {k: v for k, v in self._seen.items() if now - v[1] < self.ttl_s}
            seen = self._seen.get(signed)
            if seen is not None and now - seen[1] < self.ttl_s:
                return seen[0] == digest
            self._seen[signed] = (digest, now)
            return True


@dataclass(frozen=True)
class Envelope:
    """A verified inbound message."""

    message: BaseMessage
    fields: dict[str, str]  # the raw top-level XML fields
    encrypted: bool
    nonce: str

    @property
    def openid(self) -> str:
        return self.fields.get("FromUserName", "")

    @property
    def dedup_key(self) -> str:
        """MsgId for messages; events carry none, so the sender and CreateTime identify them."""
        msg_id = self.fields.get("MsgId")
        if msg_id:
            return f"{MSG_KEY_PREFIX}{msg_id}"
        return f"event:{self.openid}:{self.fields.get('CreateTime', '')}"


def msg_id_of(dedup_key: str) -> str | None:
    """The MsgId back from a message's dedup_key; None for events."""
    return dedup_key.removeprefix(MSG_KEY_PREFIX) if dedup_key.startswith(MSG_KEY_PREFIX) else None


class WechatProtocol:
    def __init__(self, settings: Settings, seen: SeenSignatures | None = None) -> None:
        self.token = settings.wechat_token
        self.max_skew_s = settings.wechat_max_clock_skew_s
        self.seen = seen or SeenSignatures(2 * settings.wechat_max_clock_skew_s)
        self.crypto = (
            WeChatCrypto(settings.wechat_token, settings.wechat_aes_key, settings.wechat_appid)
            if settings.wechat_token and settings.wechat_aes_key and settings.wechat_appid
            else None
        )

    @property
    def enabled(self) -> bool:
        return bool(self.token)

    def verify_url(self, params: dict[str, str]) -> str:
        """GET handshake: echo `echostr` back when the token signature is right."""
        self._check_token_signature(params)
        return params.get("echostr", "")

    def open(self, params: dict[str, str], body: bytes) -> Envelope:
        if params.get("encrypt_type", "raw") == "aes":
            envelope = self._open_encrypted(params, body)
        else:
            self._check_token_signature(params)
            envelope = _envelope(_safe_text(body), encrypted=False, nonce=params.get("nonce", ""))
        signed = "|".join(params.get(k, "") for k in ("timestamp", "nonce", "signature", "msg_signature"))
        if not self.seen.first_or_same(signed, body):
            raise Rejected(403, "请求已使用过")
        return envelope

    def render_reply(self, envelope: Envelope, text: str) -> str:
        xml = create_reply(text, envelope.message, render=True)
        if envelope.encrypted:
            return self.crypto.encrypt_message(xml, envelope.nonce)
        return xml

    def _open_encrypted(self, params: dict[str, str], body: bytes) -> Envelope:
        if self.crypto is None:
            raise Rejected(400, "未启用安全模式")
        self._check_fresh(params.get("timestamp", ""))
        outer = _parse(_safe_text(body))
        encrypt = outer.findtext("Encrypt")
        if not encrypt:
            raise Rejected(400, "缺少加密内容")
        try:
            xml = self.crypto.decrypt_message(
                {"Encrypt": encrypt}, params.get("msg_signature", ""), params["timestamp"], params.get("nonce", "")
            )
        except InvalidSignatureException:
            raise Rejected(403, "签名无效") from None
        except InvalidAppIdException:
            raise Rejected(403, "无法解密") from None
        except Exception:  # random bytes under a valid signature: struct, padding, encoding errors
            raise Rejected(400, "无法解密") from None
        return _envelope(xml, encrypted=True, nonce=params.get("nonce", ""))

    def _check_token_signature(self, params: dict[str, str]) -> None:
        self._check_fresh(params.get("timestamp", ""))
        try:
            check_signature(self.token, params.get("signature", ""), params["timestamp"], params.get("nonce", ""))
        except InvalidSignatureException:
            raise Rejected(403, "签名无效") from None

    def _check_fresh(self, timestamp: str) -> None:
        if not timestamp.isdigit() or abs(time.time() - int(timestamp)) > self.max_skew_s:
            raise Rejected(403, "请求已过期")


def _safe_text(body: bytes) -> str:
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        raise Rejected(400, "消息编码无效") from None


def _parse(xml: str) -> Element:
    try:
        root = fromstring(xml, forbid_dtd=True)
    except (DefusedXmlException, ParseError):
        raise Rejected(400, "消息格式无效") from None
    if root.tag != "xml":
        raise Rejected(400, "消息格式无效")
    return root


def _envelope(xml: str, *, encrypted: bool, nonce: str) -> Envelope:
    root = _parse(xml)
    fields = {child.tag: (child.text or "") for child in root}
    if not fields.get("MsgType") or not fields.get("FromUserName"):
        raise Rejected(400, "消息缺少必要字段")
    if (
        not _OPENID.match(fields["FromUserName"])
        or not _MSG_ID.match(fields.get("MsgId", "0") or "0")
        or not _EVENT_FIELD.match(fields.get("CreateTime", ""))
    ):
        raise Rejected(400, "消息字段格式无效")
    return Envelope(parse_message(xml), fields, encrypted, nonce)
