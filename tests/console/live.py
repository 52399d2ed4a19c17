"""A real app server on 127.0.0.1 (uvicorn on its own event loop in a thread), and console login helpers."""

from __future__ import annotations

import asyncio
import re
import threading
import time
from dataclasses import dataclass, field

import httpx
import uvicorn

from api.core import db as core_db
from api.core import settings as core_settings
from api.ops.launcher import free_port

INTERNAL_TOKEN = "test-internal-token-0123456789"
PASSWORD = "Lawyer-pass-2024"


@dataclass
class LiveServer:
    url: str
    app: object
    loop: asyncio.AbstractEventLoop
    deliveries: list = field(default_factory=list)  # (channel, user_id, Outgoing) pushed to test channels

    def run(self, coro, timeout: float = 30):
        """Run a coroutine on the server's own event loop, as a channel handler would."""
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout)

    def worker_says(self, channel: str, user_id: str, text: str, message_id: str | None = None):
        return self.run(self.app.state.conversation.handle_incoming(channel, user_id, text, message_id))

    def listen(self, channel: str) -> None:
        async def deliver(user_id, outgoing):
            self.deliveries.append((channel, user_id, outgoing))

        self.app.state.conversation.register_channel(channel, deliver)

    def internal(self, path: str, body: dict, token: str | None = INTERNAL_TOKEN) -> httpx.Response:
        headers = {"Authorization": f"Bearer {token}"} if token is not None else {}
        return httpx.post(f"{self.url}/internal/v1/{path}", json=body, headers=headers, timeout=30)


def clear_caches() -> None:
    for cached in (core_settings.get_settings, core_db.get_engine, core_db.get_sessionmaker):
        cached.cache_clear()


def start_server(app) -> tuple[uvicorn.Server, threading.Thread, LiveServer]:
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on")
    )
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_until_complete, args=(server.serve(),), daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("app server did not start")
        time.sleep(0.05)
    return server, thread, LiveServer(f"http://127.0.0.1:{port}", app, loop)


def stop_server(server: uvicorn.Server, thread: threading.Thread) -> None:
    server.should_exit = True
    thread.join(timeout=30)


def console_login(
    base_url: str, username: str, password: str = PASSWORD
) -> tuple[httpx.Client, httpx.Response]:
    client = httpx.Client(base_url=base_url, timeout=30)
    page = client.get("/console/login")
    response = client.post(
        "/console/login", data={"username": username, "password": password, "csrf": form_csrf(page.text)}
    )
    return client, response


def form_csrf(html: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', html).group(1)
