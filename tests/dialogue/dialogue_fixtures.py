"""The real Rasa server and action server from the trained model, driven through the app channel the way
the web app drives it: each message comes with its parse data and the app's decision.

Train first: `laborbot train` (writes models/laborbot-<hash>.tar.gz).
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

ROOT = Path(__file__).resolve().parents[2]
START_TIMEOUT_S = 240
TOKEN = "dialogue-test-token"
EVENT_KEY = "laborbot_event"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def latest_model() -> Path:
    if os.environ.get("LABORBOT_DIALOGUE_MODEL"):  # e.g. a core-only model while iterating on rules
        return Path(os.environ["LABORBOT_DIALOGUE_MODEL"])
    models = sorted((ROOT / "models").glob("laborbot-*.tar.gz"), key=lambda p: p.stat().st_mtime)
    if not models:
        pytest.fail("no trained model in models/: run `laborbot train` first")
    return models[-1]


def wait_until(check, what: str, procs: list[subprocess.Popen]) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if any(p.poll() is not None for p in procs):
            pytest.fail(f"a server exited while waiting for {what}")
        try:
            if check():
                return
        except requests.RequestException:
            pass
        time.sleep(1.0)
    pytest.fail(f"timed out waiting for {what}")


class Bot:
    """Talks to Rasa as the app does: POST /webhooks/app/webhook with the app's understanding and decision."""

    def __init__(self, url: str) -> None:
        self.url = url

    def turn(
        self,
        sender: str,
        text: str,
        intent: str,
        decision: dict | None = None,
        entities: list[dict] | None = None,
        facts: dict | None = None,
    ) -> list[dict]:
        body = {
            "sender": sender,
            "text": text,
            "parse_data": {"intent": {"name": intent, "confidence": 1.0}, "entities": entities or []},
            "metadata": {"decision": decision or {}, "facts": facts or {}},
        }
        response = requests.post(
            f"{self.url}/webhooks/app/webhook", json=body, timeout=60, headers={"Authorization": f"Bearer {TOKEN}"}
        )
        response.raise_for_status()
        return response.json()

    def texts(self, sender: str, text: str, intent: str, **kwargs) -> str:
        return "\n".join(m["text"] for m in self.turn(sender, text, intent, **kwargs) if m.get("text"))

    def tracker(self, sender: str, token: str | None = TOKEN) -> requests.Response:
        return requests.get(
            f"{self.url}/conversations/{sender}/tracker", params={"token": token} if token else {}, timeout=30
        )

    def active_loop(self, sender: str):
        return (self.tracker(sender).json().get("active_loop") or {}).get("name")


def events_in(messages: list[dict]) -> list[dict]:
    return [m["custom"][EVENT_KEY] for m in messages if EVENT_KEY in (m.get("custom") or {})]


@pytest.fixture(scope="session")
def bot(tmp_path_factory):
    model = latest_model()  # before any process starts: without a model nothing is left running
    work = tmp_path_factory.mktemp("dialogue")
    rasa_port, action_port = free_port(), free_port()
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "TF_CPP_MIN_LOG_LEVEL": "2",
        "SANIC_HOST": "127.0.0.1",
        "LABORBOT_RASA_TOKEN": TOKEN,
        "ACTION_SERVER_URL": f"http://127.0.0.1:{action_port}/webhook",
        "RASA_TRACKER_DB": str(work / "tracker.db"),
    }
    # Rasa expands ${VAR} only in unquoted YAML scalars; bot/endpoints.yml quotes them.
    endpoints = work / "endpoints.yml"
    endpoints.write_text(re.sub(r'"(\$\{[A-Z_]+\})"', r"\1", (ROOT / "bot" / "endpoints.yml").read_text()))
    logs = [open(work / name, "w") for name in ("actions.log", "rasa.log")]
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "rasa_sdk", "--actions", "actions", "--port", str(action_port)],
            cwd=ROOT,
            env=env,
            stdout=logs[0],
            stderr=subprocess.STDOUT,
            start_new_session=True,
        ),
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "rasa_plugins.serve",
                "run",
                "--enable-api",
                "--interface",
                "127.0.0.1",
                "--port",
                str(rasa_port),
                "--model",
                str(model),
                "--endpoints",
                str(endpoints),
                "--credentials",
                "bot/credentials.yml",
            ],
            cwd=ROOT,
            env=env,
            stdout=logs[1],
            stderr=subprocess.STDOUT,
            start_new_session=True,
        ),
    ]
    try:
        url = f"http://127.0.0.1:{rasa_port}"
        wait_until(
            lambda: requests.get(f"http://127.0.0.1:{action_port}/health", timeout=2).ok, "the action server", procs
        )
        wait_until(
            lambda: requests.get(f"{url}/status", params={"token": TOKEN}, timeout=2).json().get("model_file"),
            "Rasa",
            procs,
        )
        yield Bot(url)
    finally:
        for proc in procs:
            if proc.poll() is None:
                os.killpg(proc.pid, 15)
        for proc in procs:
            proc.wait(timeout=30)
        for log in logs:
            log.close()
