"""The lawyers' console in-process: roles, login throttling, CSRF, cookie flags, queue order, masking, what
lawyers read (facts, articles, times), and the round trip of a case to the worker and back."""

from __future__ import annotations

import re

from sqlalchemy import select

from api.cases.models import Case
from api.conversation.models import Feedback
from tests.support.app import PASSWORD, form_csrf, staff_login


def _open(app, user: str, priority: str, text: str, **details) -> int:
    case_id, _ = app.state.cases.open_case(
        "web", user, topic="wage_arrears", priority=priority, description=text, reasons=["user_request"], **details
    )
    return case_id


def _case(app, case_id: int) -> Case:
    with app.state.sessions() as db:
        return db.get(Case, case_id)


def test_session_cookie_flags_and_logout_ends_the_session(bare_app, accounts):
    _, app = bare_app
    client, response = staff_login(app, "console", "lawyer_li")
    cookie = response.headers["set-cookie"].lower()
    assert response.status_code == 303 and "httponly" in cookie and "samesite=lax" in cookie
    assert "path=/console" in cookie
    page = client.get("/console")
    assert page.status_code == 200 and "案件队列" in page.text
    stolen = dict(client.cookies)
    client.post("/console/logout", data={"csrf": form_csrf(page.text)})
    assert client.get("/console", follow_redirects=False).headers["location"] == "/console/login"
    replayed = staff_login(app, "console", "lawyer_wang")[0]
    replayed.cookies.clear()
    replayed.cookies.update(stolen)  # the old cookie, kept by whoever copied it
    assert replayed.get("/console", follow_redirects=False).status_code == 303


def test_only_lawyers_and_admins(bare_app, accounts):
    client, app = bare_app
    assert client.get("/console", follow_redirects=False).status_code == 303  # not logged in
    _, staff = staff_login(app, "console", "staff_sun")
    assert staff.status_code == 403 and "laborbot_console=" not in staff.headers.get("set-cookie", "")
    assert staff_login(app, "console", "admin_zhao")[1].status_code == 303
    forged = client.get("/console", cookies={"laborbot_console": "forged.value.sig"}, follow_redirects=False)
    assert forged.status_code == 303


def test_login_is_throttled_per_ip_and_username(bare_app, accounts):
    _, app = bare_app
    for _ in range(5):
        assert staff_login(app, "console", "lawyer_li", "wrong-password")[1].status_code == 401
    blocked = staff_login(app, "console", "lawyer_li", PASSWORD)[1]  # even the right password, for a while
    assert blocked.status_code == 429 and "5 分钟" in blocked.text
    assert staff_login(app, "console", "lawyer_wang")[1].status_code == 303


def test_the_token_endpoint_shares_the_login_throttle(bare_app, accounts):
    client, app = bare_app
    for _ in range(5):
        assert staff_login(app, "console", "lawyer_li", "wrong-password")[1].status_code == 401
    locked = client.post("/api/v1/auth/token", data={"username": "lawyer_li", "password": PASSWORD})
    assert locked.status_code == 429  # locked out of the console: no token either
    for attempt in range(6):
        wrong = client.post("/api/v1/auth/token", data={"username": "lawyer_wang", "password": f"guess-{attempt}"})
    assert wrong.status_code == 429
    assert client.post("/api/v1/auth/token", data={"username": "admin_zhao", "password": PASSWORD}).status_code == 200


def test_login_form_needs_its_csrf_token(bare_app, accounts):
    client, _ = bare_app
    response = client.post("/console/login", data={"username": "lawyer_li", "password": PASSWORD})
    assert response.status_code == 403


def test_forms_need_the_session_csrf_token(bare_app, accounts):
    _, app = bare_app
    case_id = _open(app, "w-csrf", "normal", "加班费没给")
    client, _ = staff_login(app, "console", "lawyer_li")
    assert client.post(f"/console/cases/{case_id}/claim").status_code == 403
    assert client.post(f"/console/cases/{case_id}/claim", data={"csrf": "guessed"}).status_code == 403
    page = client.get(f"/console/cases/{case_id}").text
    assert "待认领" in page  # nothing happened
    claimed = client.post(f"/console/cases/{case_id}/claim", data={"csrf": form_csrf(page)}, follow_redirects=False)
    assert claimed.status_code == 303


def test_queue_order_filters_and_masking(bare_app, accounts):
    _, app = bare_app
    normal = _open(app, "w-normal", "normal", "合同到期不续签有补偿吗，我电话13800001111")
    urgent = _open(app, "w-urgent", "urgent", "工地上有人从架子上摔下来了，身份证110101199003071234")
    high = _open(app, "w-high", "high", "二十多个工友被拖欠工资，电话139.5555.1313")
    client, _ = staff_login(app, "console", "lawyer_li")
    page = client.get("/console").text
    assert [int(n) for n in re.findall(r'data-case-id="(\d+)"', page)] == [urgent, high, normal]
    assert "138****1111" in page and "110101********1234" in page
    assert "13800001111" not in page and "110101199003071234" not in page and "139.5555.1313" not in page
    only_high = client.get("/console", params={"priority": "high"}).text
    assert re.findall(r'data-case-id="(\d+)"', only_high) == [str(high)]
    assert "data-case-id" not in client.get("/console", params={"status": "closed"}).text
    rows = client.get("/console/queue/rows").text  # the live-refresh fragment
    assert [int(n) for n in re.findall(r'data-case-id="(\d+)"', rows)] == [urgent, high, normal]


def test_another_lawyers_case(bare_app, accounts):
    _, app = bare_app
    case_id = _open(app, "w-busy", "high", "怀孕被辞退，电话13900002222")
    li, _ = staff_login(app, "console", "lawyer_li")
    wang, _ = staff_login(app, "console", "lawyer_wang")
    li.post(f"/console/cases/{case_id}/claim", data={"csrf": form_csrf(li.get("/console").text)})
    page = wang.get(f"/console/cases/{case_id}").text
    assert "13900002222" not in page and "139****2222" in page
    csrf = form_csrf(page)
    taken = wang.post(f"/console/cases/{case_id}/claim", data={"csrf": csrf})
    assert taken.status_code == 409 and "已被其他律师认领" in taken.text
    refused = wang.post(f"/console/cases/{case_id}/reply", data={"csrf": csrf, "text": "你好"})
    assert refused.status_code == 403 and "其他律师负责" in refused.text
    noted = wang.post(
        f"/console/cases/{case_id}/notes", data={"csrf": csrf, "text": "我处理过类似案子"}, follow_redirects=False
    )
    assert noted.status_code == 303


def test_what_lawyers_read_is_chinese_and_human(bare_app, accounts):
    _, app = bare_app
    case_id = _open(
        app,
        "w-facts",
        "normal",
        "干了三个月被辞退",
        facts=[{"entity": "duration", "value": "P3M"}, {"entity": "money", "value": "8000"}],
        suggested_articles=[{"law": "北京市实施《中华人民共和国工会法》办法", "article": 23, "text": "第二十三条"}],
    )
    client, _ = staff_login(app, "console", "lawyer_li")
    page = client.get(f"/console/cases/{case_id}").text
    assert "时长：3个月" in page and "金额：8000元" in page and "P3M" not in page
    assert "《北京市实施〈中华人民共和国工会法〉办法》第23条" in page
    opened = _case(app, case_id).opened_at
    assert f"{(opened.hour + 8) % 24:02d}:{opened.minute:02d}" in page  # Beijing time, not UTC


def test_case_round_trip_to_the_worker_and_back(bare_app, accounts):
    client, app = bare_app
    delivered = []

    async def channel(user_id, outgoing):
        delivered.append((user_id, outgoing))

    app.state.conversation.register_channel("testchat", channel)
    case_id, _ = app.state.cases.open_case(
        "testchat",
        "w1",
        topic="wage_arrears",
        priority="high",
        description="公司三个月没发工资了",
        district="海淀区",
        phone="13912345678",
        consent=True,
        reasons=["user_request"],
    )
    lawyer, _ = staff_login(app, "console", "lawyer_li")
    queue = lawyer.get("/console").text
    assert f"#{case_id}" in queue and "139****5678" in queue and "13912345678" not in queue
    page = lawyer.get(f"/console/cases/{case_id}").text
    assert "13912345678" not in page  # unclaimed: masked even on the case page
    csrf = form_csrf(page)
    lawyer.post(f"/console/cases/{case_id}/claim", data={"csrf": csrf})
    assert "13912345678" in lawyer.get(f"/console/cases/{case_id}").text  # the lawyer holding it sees it

    answer = "您好，请先保存工资条和考勤记录，可以向劳动监察大队投诉。"
    lawyer.post(f"/console/cases/{case_id}/reply", data={"csrf": csrf, "text": answer})
    assert [(u, o.author, o.text) for u, o in delivered] == [("w1", "lawyer", answer)]
    assert _case(app, case_id).first_response_at is not None

    lawyer.post(f"/console/cases/{case_id}/close", data={"csrf": csrf, "outcome": "answered"})
    closing = delivered[-1][1]
    assert closing.author == "system" and [b["payload"] for b in closing.buttons] == ["5", "4", "3", "2", "1"]
    scored = client.portal.call(app.state.conversation.handle_incoming, "testchat", "w1", "５", "m2")
    assert "感谢您的评价" in scored.replies[0].text and _case(app, case_id).feedback_score == 5
    with app.state.sessions() as db:
        assert db.scalar(select(Feedback.score).where(Feedback.case_id == case_id)) == 5
