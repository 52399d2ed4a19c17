"""Async client for the customer-service message API (客服消息), with access-token caching."""

from __future__ import annotations

import asyncio
import time

import httpx

# The token is invalid or expired: fetch a new one and try again at once.
TOKEN_ERRORS = {40001, 40014, 42001}
# The platform refuses this message for good (user unsubscribed, 48-hour window over, bad openid, quota).
PERMANENT_ERRORS = {40003, 43004, 45015, 45047}
TOKEN_MARGIN_S = 300  # refresh a little before WeChat's expiry


class PushError(Exception):
    def __init__(self, detail: str, permanent: bool = False) -> None:
        super().__init__(detail)
        self.permanent = permanent


class CustomerServiceClient:
    def __init__(self, base_url: str, appid: str, secret: str, timeout_s: float = 10.0) -> None:
        self.appid, self.secret = appid, secret
        self._http = httpx.AsyncClient(base_url=base_url, timeout=timeout_s)
        self._token: str | None = None
        self._token_expires_at = 0.0
        self._token_lock = asyncio.Lock()

    async def aclose(self) -> None:
        await self._http.aclose()

    async def send_text(self, openid: str, content: str) -> None:
        payload = {"touser": openid, "msgtype": "text", "text": {"content": content}}
        for attempt in range(2):
            token = await self._access_token()
            data = await self._call(
                "POST", "/cgi-bin/message/custom/send", params={"access_token": token}, json=payload
            )
            errcode = data.get("errcode", 0)
            if errcode == 0:
                return
            if errcode in TOKEN_ERRORS and attempt == 0:
                self._invalidate(token)
                continue
            raise PushError(f"errcode {errcode}: {data.get('errmsg', '')}", permanent=errcode in PERMANENT_ERRORS)

    async def _access_token(self) -> str:
        async with self._token_lock:  # one refresh at a time; the others reuse its result
            if self._token and time.monotonic() < self._token_expires_at:
                return self._token
            if not (self.appid and self.secret):
                raise PushError("未配置 LABORBOT_WECHAT_APPID / LABORBOT_WECHAT_APP_SECRET")
            data = await self._call(
                "GET",
                "/cgi-bin/token",
                params={"grant_type": "client_credential", "appid": self.appid, "secret": self.secret},
            )
            if not data.get("access_token"):
                raise PushError(f"获取 access_token 失败: errcode {data.get('errcode')}: {data.get('errmsg', '')}")
            self._token = data["access_token"]
            expires_in = float(data.get("expires_in", 7200))
            self._token_expires_at = time.monotonic() + max(expires_in - TOKEN_MARGIN_S, expires_in / 2)
            return self._token

    def _invalidate(self, token: str) -> None:
        if self._token == token:
            self._token = None

    async def _call(self, method: str, path: str, **kwargs) -> dict:
        try:
            response = await self._http.request(method, path, **kwargs)
            response.raise_for_status()
            return response.json()
        except (httpx.HTTPError, ValueError) as exc:
            raise PushError(f"{type(exc).__name__}: {exc}") from exc
