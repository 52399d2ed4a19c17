"""A fake of WeChat's customer-service message API on 127.0.0.1: records every push, fails on demand."""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable

from fastapi import FastAPI, Request
from fastapi.responses import PlainTextResponse

from api.ops.launcher import free_port
from tests.support.threaded import ThreadedServer


class FakeCustomerService:
    def __init__(self, appid: str, secret: str, on_push: Callable[[str, str], None] | None = None) -> None:
        self.appid, self.secret = appid, secret
        self.on_push = on_push  # called (openid, content) from the server thread for every recorded push
        self.pushes: list[dict] = []
        self.token_requests = 0
        self.failures: deque[int] = deque()  # errcodes to answer the next pushes with
        self.offline = False  # answer every request with HTTP 503
        self._token = ""
        self._lock = threading.Lock()
        self._server = ThreadedServer(self._app(), free_port(), "fake customer-service API")
        self.port, self.url = self._server.port, self._server.url

    def start(self) -> FakeCustomerService:
        self._server.start()
        return self

    def stop(self) -> None:
        self._server.stop()

    def fail_next(self, *errcodes: int) -> None:
        self.failures.extend(errcodes)

    def expire_token(self) -> None:
        """Like WeChat when a token runs out: the next push with it gets 42001."""
        self._token = "expired"

    def pushes_to(self, openid: str) -> list[str]:
        with self._lock:
            return [p["text"]["content"] for p in self.pushes if p["touser"] == openid]

    def _app(self) -> FastAPI:
        app = FastAPI()

        @app.middleware("http")
        async def maybe_offline(request: Request, call_next):
            if self.offline:
                return PlainTextResponse("unavailable", status_code=503)
            return await call_next(request)

        @app.get("/cgi-bin/token")
        async def token(grant_type: str, appid: str, secret: str) -> dict:
            self.token_requests += 1
            if grant_type != "client_credential" or (appid, secret) != (self.appid, self.secret):
                return {"errcode": 40013, "errmsg": "invalid appid"}
            self._token = f"token-{self.token_requests}"
            return {"access_token": self._token, "expires_in": 7200}

        @app.post("/cgi-bin/message/custom/send")
        async def send(access_token: str, request: Request) -> dict:
            if self._token == "expired" and access_token.startswith("token-"):
                return {"errcode": 42001, "errmsg": "access_token expired"}
            if access_token != self._token:
                return {"errcode": 40001, "errmsg": "invalid credential"}
            if self.failures:
                code = self.failures.popleft()
                return {"errcode": code, "errmsg": "failing on demand"}
            payload = await request.json()
            with self._lock:
                self.pushes.append(payload)
            if self.on_push is not None:
                self.on_push(payload["touser"], payload["text"]["content"])
            return {"errcode": 0, "errmsg": "ok"}

        return app
