"""Handoff semantics through a real app server: the internal API opens a case, the worker's messages go to
the case, the lawyer's reply reaches the worker's channel, closing returns the worker to the bot."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from api.cases.models import Case
from api.conversation.models import ConversationMessage, Feedback
from api.conversation.service import BOT_BUSY, CASE_ACK, FEEDBACK_THANKS
from api.core.db import get_sessionmaker

from .live import console_login, form_csrf, start_server, stop_server

pytestmark = pytest.mark.slow
CHANNEL, WORKER = "testchat", "worker-1"
SENDER = f"{CHANNEL}:{WORKER}"


def _case(case_id: int) -> Case:
    with get_sessionmaker()() as db:
        return db.get(Case, case_id)


def _inbound_count(text: str) -> int:
    with get_sessionmaker()() as db:
        return db.scalar(
            select(func.count())
            .select_from(ConversationMessage)
            .where(ConversationMessage.direction == "in", ConversationMessage.text == text)
        )


def test_internal_api_requires_the_token(live):
    body = {"sender_id": SENDER, "description": "想咨询律师"}
    assert live.internal("cases", body, token="wrong-token").status_code == 401
    assert live.internal("cases", body, token=None).status_code == 401
    assert live.internal("cases", body).status_code == 200


def test_escalating_reply_opens_an_urgent_case(live):
    crisis = {
        "sender_id": "testchat:w-crisis",
        "text": "干了半年一分钱没拿到，我站在楼顶上，不想活了",
        "intent": "out_of_scope",
        "confidence": 0.41,
        "entities": [],
    }
    reply = live.internal("reply", crisis).json()
    assert reply["escalate"] and reply["priority"] == "urgent" and "risk:self_harm" in reply["reasons"]
    assert "110" in reply["answer"] and reply["case_id"] is not None
    case = _case(reply["case_id"])
    assert (case.priority, case.status, case.channel, case.user_id) == (
        "urgent",
        "open",
        "testchat",
        "w-crisis",
    )

    plain = {
        "sender_id": "testchat:w-plain",
        "text": "你好",
        "intent": "greet",
        "confidence": 0.97,
        "entities": [],
    }
    assert live.internal("reply", plain).json()["case_id"] is None


def test_handoff_description_is_screened_for_risks(live):
    calm = live.internal("cases", {"sender_id": "testchat:w-calm", "description": "想问问加班费怎么算"}).json()
    assert (_case(calm["case_id"]).priority, _case(calm["case_id"]).reasons) == ("normal", ["user_request"])
    body = {"sender_id": "testchat:w-hurt", "description": "工友被机器卷进去了 手还在流血", "priority": "normal"}
    case = _case(live.internal("cases", body).json()["case_id"])
    assert case.priority == "urgent" and "risk:serious_injury" in case.reasons and "user_request" in case.reasons


def test_case_round_trip_from_handoff_to_feedback(live, accounts):
    live.listen(CHANNEL)
    form = {
        "sender_id": SENDER,
        "description": "公司三个月没发工资了",
        "district": "海淀区",
        "phone": "13912345678",
        "consent": True,
        "intent": "wage_arrears",
        "reasons": ["user_request"],
        "priority": "high",
    }
    opened = live.internal("cases", form).json()
    assert opened["status"] == "open"
    case_id = opened["case_id"]
    assert live.internal("cases", form).json()["case_id"] == case_id  # the same case, not a second one

    # While the case is open the bot only acknowledges (Rasa is unreachable: reaching it would say "busy").
    said = live.worker_says(CHANNEL, WORKER, "老板说下个月再发，我不信，电话13912345678", message_id="m1")
    assert ([r.text for r in said.replies], said.case_id, said.duplicate) == ([CASE_ACK], case_id, False)
    again = live.worker_says(CHANNEL, WORKER, "老板说下个月再发，我不信，电话13912345678", message_id="m1")
    assert (again.duplicate, again.replies) == (True, [])
    assert _inbound_count("老板说下个月再发，我不信，电话13912345678") == 1

    lawyer, login = console_login(live.url, "lawyer_li")
    assert login.status_code == 303
    queue = lawyer.get("/console").text
    assert f"#{case_id}" in queue and "139****5678" in queue and "13912345678" not in queue
    page = lawyer.get(f"/console/cases/{case_id}").text
    assert "13912345678" not in page  # unclaimed: masked even on the case page

    csrf = form_csrf(page)
    assert lawyer.post(f"/console/cases/{case_id}/claim", data={"csrf": csrf}).status_code == 303
    page = lawyer.get(f"/console/cases/{case_id}").text
    assert "13912345678" in page and "老板说下个月再发" in page

    answer = "您好，请先保存工资条和考勤记录，可以向劳动监察大队投诉。"
    assert (
        lawyer.post(f"/console/cases/{case_id}/reply", data={"csrf": csrf, "text": answer}).status_code == 303
    )
    assert [(c, u, o.author, o.text) for c, u, o in live.deliveries] == [(CHANNEL, WORKER, "lawyer", answer)]
    assert _case(case_id).first_response_at is not None

    closed = lawyer.post(f"/console/cases/{case_id}/close", data={"csrf": csrf, "outcome": "answered"})
    assert closed.status_code == 303
    closing = live.deliveries[-1][2]
    assert closing.author == "system" and [b["payload"] for b in closing.buttons] == ["5", "4", "3", "2", "1"]

    scored = live.worker_says(CHANNEL, WORKER, "５", message_id="m2")
    assert ([r.text for r in scored.replies], scored.case_id) == ([FEEDBACK_THANKS], None)
    assert _case(case_id).feedback_score == 5
    with get_sessionmaker()() as db:
        assert db.scalar(select(Feedback.score).where(Feedback.case_id == case_id)) == 5

    # Back with the bot: the next message goes to Rasa (down here, so the worker is asked to resend).
    back = live.worker_says(CHANNEL, WORKER, "还有个加班费的问题", message_id="m3")
    assert ([r.text for r in back.replies], back.case_id) == ([BOT_BUSY], None)
    assert not live.worker_says(CHANNEL, WORKER, "还有个加班费的问题", message_id="m3").duplicate


def test_feedback_endpoint(live):
    stored = live.internal("feedback", {"sender_id": SENDER, "score": 4, "about": "answer"})
    assert stored.status_code == 200 and stored.json()["case_id"] is None
    assert live.internal("feedback", {"sender_id": SENDER, "score": 9, "about": "answer"}).status_code == 422


def test_duplicates_stay_duplicates_across_a_restart(live_env):
    from api.main import create_app

    server, thread, first = start_server(create_app())
    case_id = first.internal("cases", {"sender_id": SENDER, "description": "被辞退了"}).json()["case_id"]
    assert first.worker_says(CHANNEL, WORKER, "补充一下：没有书面通知", message_id="wx-42").case_id == case_id
    stop_server(server, thread)

    server, thread, second = start_server(create_app())
    try:
        assert second.worker_says(CHANNEL, WORKER, "补充一下：没有书面通知", message_id="wx-42").duplicate
        assert _inbound_count("补充一下：没有书面通知") == 1
    finally:
        stop_server(server, thread)
