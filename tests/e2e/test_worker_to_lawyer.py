"""A worker's whole journey through every real process: web chat → bot → escalation (a group action
planned for tomorrow: urgent) → the bot keeps answering while the case waits → lawyer console → reply in
the worker's chat → close → feedback → the bot again; once straight through and once with every process
(Rasa, action server, web app) restarted in the middle: nothing lost, nothing duplicated.
"""

from __future__ import annotations

import time
import uuid

import httpx
import pytest

from phrasebook import say
from tests.api.conftest import PASSWORD, laborbot
from tests.support.app import form_csrf
from tests.support.processes import AppServer, BotStack, latest_model, local_settings
from tests.support.wait import wait_until

pytestmark = pytest.mark.slow

GROUP_ARREARS = "包工头欠了我们三十多个工友半年工钱 大家说明天一起去堵公司大门"
LAWYER_REPLY = "您好，请大家先不要堵门，把欠薪名单和考勤记录整理好，我明天带大家去劳动监察大队。"


class Worker:
    """A browser-less web chat visitor: its signed identity cookie lives in the client."""

    def __init__(self, url: str) -> None:
        self.http = httpx.Client(base_url=url, timeout=60)
        self.http.get("/")
        self.seen = 0

    def say(self, text: str) -> list[dict]:
        body = {"text": text, "client_id": uuid.uuid4().hex, "after": self.seen}
        response = self.http.post("/api/webchat/messages", json=body)
        response.raise_for_status()
        return self._advance(response.json())

    def poll(self) -> list[dict]:
        return self._advance(self.http.get("/api/webchat/messages", params={"after": self.seen}).json())

    def _advance(self, view: dict) -> list[dict]:
        if view["messages"]:
            self.seen = view["messages"][-1]["id"]
        return view["messages"]


class Lawyer:
    def __init__(self, url: str, username: str) -> None:
        self.http = httpx.Client(base_url=url, timeout=60)
        page = self.http.get("/console/login")
        login = self.http.post(
            "/console/login", data={"username": username, "password": PASSWORD, "csrf": form_csrf(page.text)}
        )
        assert login.status_code == 303, login.text

    def act(self, case_id: int, action: str, **fields) -> None:
        csrf = form_csrf(self.http.get(f"/console/cases/{case_id}").text)
        response = self.http.post(f"/console/cases/{case_id}/{action}", data={"csrf": csrf, **fields})
        assert response.status_code == 303, response.text


@pytest.fixture
def stack(tmp_path, real_index):
    model = latest_model()
    assert model is not None, "no trained model: run `laborbot train`"
    settings = local_settings(tmp_path, real_index.parent)
    bot, app = BotStack(settings, model), AppServer(settings, healthy=True)
    bot.start()
    app.start()
    laborbot(settings, "user", "add", "--role", "lawyer", "--username", "lawyer_e2e")
    yield settings, bot, app
    app.stop()
    bot.stop()


def _case_id(app: AppServer) -> int:
    rows = app.rows("SELECT id FROM cases WHERE channel = 'web' ORDER BY id")
    assert len(rows) == 1, rows
    return rows[0][0]


def _journey(stack, restart_midway: bool) -> dict[str, float]:
    settings, bot, app = stack
    timings: dict[str, float] = {}
    worker = Worker(app.url)

    started = time.perf_counter()
    replies = worker.say(GROUP_ARREARS)
    timings["ask_to_escalation_s"] = time.perf_counter() - started
    bot_texts = [m["text"] for m in replies if m["author"] == "bot"]
    assert any("律师" in t for t in bot_texts), bot_texts
    case_id = _case_id(app)
    priority, reasons = app.rows("SELECT priority, reasons FROM cases WHERE id = :i", i=case_id)[0]
    assert priority == "urgent" and "group_incident" in reasons

    meanwhile = [m for m in worker.say("农民工工资被拖欠 总包公司要不要管") if m["author"] == "bot"]
    assert meanwhile and meanwhile[0]["citations"], meanwhile  # the bot keeps answering while the case waits
    worker.say("我们有工资条和聊天记录")

    if restart_midway:
        started = time.perf_counter()
        app.stop()
        bot.stop()
        bot.start()
        app.start()
        timings["restart_all_s"] = time.perf_counter() - started

    lawyer = Lawyer(app.url, "lawyer_e2e")
    queue = lawyer.http.get("/console").text
    assert f"#{case_id}" in queue
    started = time.perf_counter()
    lawyer.act(case_id, "claim")
    lawyer.act(case_id, "reply", text=LAWYER_REPLY)
    wait_until(lambda: any(m["text"] == LAWYER_REPLY for m in worker.poll()), 15, 0.2, "the reply in the chat")
    timings["lawyer_reply_to_worker_s"] = time.perf_counter() - started
    transcript = lawyer.http.get(f"/console/cases/{case_id}").text
    assert "我们有工资条和聊天记录" in transcript and "堵公司大门" in transcript and "总包公司要不要管" in transcript

    lawyer.act(case_id, "close", outcome="answered")
    assert any("打分" in m["text"] for m in worker.poll() if m["author"] == "system")
    assert [m["text"] for m in worker.say("5") if m["author"] != "worker"] == [say("dialogue.case_feedback_thanks")]

    back_to_bot = worker.say("公司一直不给我们交社保 这合法吗")
    answer = [m for m in back_to_bot if m["author"] == "bot"]
    assert answer and any(m["citations"] for m in answer), back_to_bot

    # nothing lost, nothing duplicated: every text the worker typed is stored exactly once
    for text in (GROUP_ARREARS, "我们有工资条和聊天记录", "5", "公司一直不给我们交社保 这合法吗"):
        assert app.rows("SELECT COUNT(*) FROM conversation_messages WHERE direction='in' AND text=:t", t=text) == [(1,)]
    assert app.rows("SELECT COUNT(*) FROM conversation_messages WHERE text=:t", t=LAWYER_REPLY) == [(1,)]
    assert app.rows("SELECT status FROM cases WHERE id=:i", i=case_id) == [("closed",)]
    return timings


def test_journey_straight_through(stack):
    print("timings", _journey(stack, restart_midway=False))


def test_journey_with_every_process_restarted_midway(stack):
    print("timings", _journey(stack, restart_midway=True))
