"""Real Rasa server + real action server from the trained model; the app's internal API is a recording
HTTP server on 127.0.0.1 (tests/actions/recording_app.py).

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
from typing import Dict, List

import pytest
import requests

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests" / "actions"))
from recording_app import RecordingApp  # noqa: E402

RASA_BIN = Path(sys.executable).parent / "rasa"  # the tests run in the Rasa venv
START_TIMEOUT_S = 240


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


def wait_until(check, what: str, procs: List[subprocess.Popen]) -> None:
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
    def __init__(self, url: str, app: RecordingApp) -> None:
        self.url, self.app = url, app

    def say(self, sender: str, text: str) -> List[Dict]:
        response = requests.post(f"{self.url}/webhooks/rest/webhook", json={"sender": sender, "message": text},
                                 timeout=60)
        response.raise_for_status()
        return response.json()

    def texts(self, sender: str, text: str) -> str:
        return "\n".join(m["text"] for m in self.say(sender, text) if m.get("text"))

    def active_loop(self, sender: str):
        tracker = requests.get(f"{self.url}/conversations/{sender}/tracker", timeout=30).json()
        return (tracker.get("active_loop") or {}).get("name")


@pytest.fixture(scope="session")
def bot(tmp_path_factory):
    work = tmp_path_factory.mktemp("dialogue")
    rasa_port, action_port = free_port(), free_port()
    with RecordingApp() as app:
        env = {**os.environ, "PYTHONPATH": str(ROOT), "TF_CPP_MIN_LOG_LEVEL": "2", "SANIC_HOST": "127.0.0.1",
               "LABORBOT_APP_URL": app.url, "LABORBOT_INTERNAL_TOKEN": "dialogue-token",
               "ACTION_SERVER_URL": f"http://127.0.0.1:{action_port}/webhook",
               "RASA_TRACKER_DB": str(work / "tracker.db")}
        # Rasa expands ${VAR} only in unquoted YAML scalars; bot/endpoints.yml quotes them.
        endpoints = work / "endpoints.yml"
        endpoints.write_text(re.sub(r'"(\$\{[A-Z_]+\})"', r"\1", (ROOT / "bot" / "endpoints.yml").read_text()))
        logs = [open(work / name, "w") for name in ("actions.log", "rasa.log")]
        procs = [
            subprocess.Popen([sys.executable, "-m", "rasa_sdk", "--actions", "actions", "--port", str(action_port)],
                             cwd=ROOT, env=env, stdout=logs[0], stderr=subprocess.STDOUT, start_new_session=True),
            subprocess.Popen([str(RASA_BIN), "run", "--enable-api", "--interface", "127.0.0.1", "--port",
                              str(rasa_port), "--model", str(latest_model()), "--endpoints", str(endpoints),
                              "--credentials", "bot/credentials.yml"],
                             cwd=ROOT, env=env, stdout=logs[1], stderr=subprocess.STDOUT, start_new_session=True),
        ]
        try:
            url = f"http://127.0.0.1:{rasa_port}"
            wait_until(lambda: requests.get(f"http://127.0.0.1:{action_port}/health", timeout=2).ok,
                       "the action server", procs)
            wait_until(lambda: requests.get(f"{url}/status", timeout=2).json().get("model_file"), "Rasa", procs)
            yield Bot(url, app)
        finally:
            for proc in procs:
                if proc.poll() is None:
                    os.killpg(proc.pid, 15)
            for proc in procs:
                proc.wait(timeout=30)
            for log in logs:
                log.close()
