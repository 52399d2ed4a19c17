"""A tiny real HTTP server on 127.0.0.1 standing in for the app's internal API in action tests.

It records every request (path, headers, JSON body) and answers with the JSON configured per path,
so tests can check what the actions send and how they handle the app's answers and failures.
"""
from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Dict, List


class RecordingApp:
    def __init__(self) -> None:
        self.requests: List[Dict[str, Any]] = []
        self.responses: Dict[str, Any] = {}
        self.status: Dict[str, int] = {}
        self.delay_s = 0.0
        app = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server API)
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")
                app.requests.append({"path": self.path, "headers": dict(self.headers), "json": body})
                time.sleep(app.delay_s)
                payload = json.dumps(app.responses.get(self.path, {})).encode()
                try:
                    self.send_response(app.status.get(self.path, 200))
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (timeout tests)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> "RecordingApp":
        self.thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.server.shutdown()
        self.server.server_close()

    def last(self, path: str) -> Dict[str, Any]:
        return [r for r in self.requests if r["path"] == path][-1]
