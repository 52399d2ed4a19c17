"""The app served over real HTTP on 127.0.0.1 (uvicorn on its own event loop in a thread), for a real
browser: the same create_app as production, with a fake Rasa and the knowledge base given by the test."""

from __future__ import annotations

import asyncio
import shutil
import threading
import time
from dataclasses import dataclass

import uvicorn

from api.core.migrate import upgrade_database
from api.core.settings import Settings
from api.main import create_app
from api.ops.launcher import free_port
from tests.support.fake_rasa import FakeRasa

CHROMIUM = shutil.which("chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@dataclass
class LiveServer:
    url: str
    app: object
    loop: asyncio.AbstractEventLoop
    server: uvicorn.Server
    thread: threading.Thread

    def run(self, coro, timeout: float = 30):
        """Run a coroutine on the server's own event loop, as a request handler would."""
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout)

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=30)


def serve(settings: Settings, rasa: FakeRasa, kb=None) -> LiveServer:
    settings = settings.model_copy(update={"port": free_port()})
    upgrade_database(settings.sqlalchemy_url)
    app = create_app(settings, rasa=rasa)
    app.state.kb = kb
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=settings.port, log_level="warning"))
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_until_complete, args=(server.serve(),), daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("app server did not start")
        time.sleep(0.05)
    return LiveServer(f"http://127.0.0.1:{settings.port}", app, loop, server, thread)
