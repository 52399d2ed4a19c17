"""The actions against the real web app (its internal API on 127.0.0.1, SQLite, real triage).

The app runs in its own environment (Python 3.11), so it is started as a subprocess; the knowledge
base is not needed for what is checked here: screening, case opening and feedback.
"""
import asyncio
import os
import socket
import subprocess
import time
from pathlib import Path

import pytest
import requests
from action_fixtures import make_tracker, slots_set, texts_of
from rasa_sdk.executor import CollectingDispatcher

from actions.answer import ActionAnswerQuestion
from actions.feedback import ActionSubmitFeedback
from actions.handoff import ActionOpenCase

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
APP_PYTHON = ROOT / ".venvs" / "app" / "bin" / "python"
TOKEN = "contract-token"


@pytest.fixture(scope="module")
def real_app(tmp_path_factory):
    var = tmp_path_factory.mktemp("app")
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = {**os.environ, "PYTHONPATH": str(ROOT), "LABORBOT_VAR_DIR": str(var), "LABORBOT_INTERNAL_TOKEN": TOKEN,
           "LABORBOT_DATABASE_URL": f"sqlite:///{var / 'app.db'}", "LABORBOT_PORT": str(port)}
    subprocess.run([str(APP_PYTHON), "-c", "import os; from api.core.migrate import upgrade_database; "
                    "upgrade_database(os.environ['LABORBOT_DATABASE_URL'])"], cwd=ROOT, env=env, check=True)
    log = open(var / "app.log", "w")
    proc = subprocess.Popen([str(APP_PYTHON), "-m", "uvicorn", "api.main:create_app", "--factory", "--host",
                             "127.0.0.1", "--port", str(port)], cwd=ROOT, env=env, stdout=log,
                            stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            assert proc.poll() is None, (var / "app.log").read_text()[-2000:]
            try:
                requests.get(f"{url}/docs", timeout=2)
                break
            except requests.RequestException:
                assert time.monotonic() < deadline, "the app did not start"
                time.sleep(0.5)
        yield url
    finally:
        os.killpg(proc.pid, 15)
        proc.wait(timeout=30)
        log.close()


@pytest.fixture
def use_real_app(real_app, monkeypatch):
    monkeypatch.setenv("LABORBOT_APP_URL", real_app)
    monkeypatch.setenv("LABORBOT_INTERNAL_TOKEN", TOKEN)


def run(action, tracker):
    dispatcher = CollectingDispatcher()
    return dispatcher, asyncio.run(action.run(dispatcher, tracker, {}))


def test_plain_small_talk_is_screened_and_left_to_the_fixed_text(use_real_app):
    dispatcher, events = run(ActionAnswerQuestion(), make_tracker("你好", "greet", sender_id="web:contract-1"))
    assert dispatcher.messages == [] and slots_set(events)["not_understood"] is False


def test_a_crisis_goodbye_gets_the_emergency_numbers_and_a_case(use_real_app):
    dispatcher, events = run(ActionAnswerQuestion(), make_tracker(
        "再见了，我不想活了", "goodbye", 0.8, sender_id="web:contract-2"))
    assert any(number in texts_of(dispatcher)[0] for number in ("110", "120"))
    assert isinstance(slots_set(events)["case_id"], int)


def test_handoff_form_end_opens_a_case_and_feedback_is_stored(use_real_app):
    dispatcher, events = run(ActionOpenCase(), make_tracker("不同意", "deny", sender_id="web:contract-3", slots={
        "handoff_description": "老板拖欠三个月工资", "district": "朝阳区", "phone_consent": False}))
    case_id = slots_set(events)["case_id"]
    assert isinstance(case_id, int) and texts_of(dispatcher) == [f"已为您登记求助，编号 {case_id}。"]

    dispatcher, _ = run(ActionSubmitFeedback(), make_tracker("4", "inform", sender_id="web:contract-3", slots={
        "feedback_score": 4, "feedback_about": "case"}))
    assert texts_of(dispatcher) == ["谢谢您的评价，我们会继续改进！"]
