"""An ASGI app served by uvicorn in a daemon thread on 127.0.0.1: the stand-ins for services outside the
product (WeChat's customer-service API, Rasa replicas) that tests reach over real HTTP."""

from __future__ import annotations

import threading
import time

import uvicorn


class ThreadedServer:
    def __init__(self, app, port: int, name: str) -> None:
        self.port, self.name = port, name
        self.url = f"http://127.0.0.1:{port}"
        self._server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
        self._thread = threading.Thread(target=self._server.run, daemon=True)

    def start(self, timeout_s: float = 10.0) -> None:
        self._thread.start()
        deadline = time.monotonic() + timeout_s
        while not self._server.started:
            assert time.monotonic() < deadline, f"{self.name} did not start"
            time.sleep(0.02)

    def stop(self) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=10)

    @property
    def running(self) -> bool:
        return self._thread.is_alive()
