"""Console access rules over real HTTP: roles, login throttling, CSRF, cookie flags, queue order, masking."""

from __future__ import annotations

import re

import httpx
import pytest

from .live import PASSWORD, console_login, form_csrf

pytestmark = pytest.mark.slow


def _open(live, user: str, priority: str, text: str) -> int:
    body = {"sender_id": f"web:{user}", "description": text, "priority": priority, "intent": "wage_arrears"}
    return live.internal("cases", body).json()["case_id"]


def test_session_cookie_flags_and_logout(live, accounts):
    client, response = console_login(live.url, "lawyer_li")
    cookie = response.headers["set-cookie"].lower()
    assert (
        response.status_code == 303
        and "httponly" in cookie
        and "samesite=lax" in cookie
        and "path=/console" in cookie
    )
    page = client.get("/console")
    assert page.status_code == 200 and "案件队列" in page.text
    client.post("/console/logout", data={"csrf": form_csrf(page.text)})
    assert client.get("/console").headers["location"] == "/console/login"


def test_only_lawyers_and_admins(live, accounts):
    assert httpx.get(f"{live.url}/console", timeout=30).status_code == 303  # not logged in: to the login page
    _, staff = console_login(live.url, "staff_sun")
    assert staff.status_code == 403 and "laborbot_console=" not in staff.headers.get("set-cookie", "")
    _, admin = console_login(live.url, "admin_zhao")
    assert admin.status_code == 303
    forged = httpx.get(f"{live.url}/console", cookies={"laborbot_console": "forged.value.sig"}, timeout=30)
    assert forged.status_code == 303


def test_login_is_throttled_per_ip_and_username(live, accounts):
    for _ in range(5):
        assert console_login(live.url, "lawyer_li", "wrong-password")[1].status_code == 401
    blocked = console_login(live.url, "lawyer_li", PASSWORD)[1]  # even the right password, for a while
    assert blocked.status_code == 429 and "5 分钟" in blocked.text
    assert console_login(live.url, "lawyer_wang", PASSWORD)[1].status_code == 303


def test_login_form_needs_its_csrf_token(live, accounts):
    response = httpx.post(
        f"{live.url}/console/login", data={"username": "lawyer_li", "password": PASSWORD}, timeout=30
    )
    assert response.status_code == 403


def test_forms_need_the_session_csrf_token(live, accounts):
    case_id = _open(live, "w-csrf", "normal", "加班费没给")
    client, _ = console_login(live.url, "lawyer_li")
    assert client.post(f"/console/cases/{case_id}/claim").status_code == 403
    assert client.post(f"/console/cases/{case_id}/claim", data={"csrf": "guessed"}).status_code == 403
    page = client.get(f"/console/cases/{case_id}").text
    assert "待认领" in page  # nothing happened
    assert client.post(f"/console/cases/{case_id}/claim", data={"csrf": form_csrf(page)}).status_code == 303


def test_queue_order_filters_and_masking(live, accounts):
    normal = _open(live, "w-normal", "normal", "合同到期不续签有补偿吗，我电话13800001111")
    urgent = _open(live, "w-urgent", "urgent", "工地上有人从架子上摔下来了，身份证110101199003071234")
    high = _open(live, "w-high", "high", "二十多个工友被拖欠工资")
    client, _ = console_login(live.url, "lawyer_li")
    page = client.get("/console").text
    order = [int(n) for n in re.findall(r'data-case-id="(\d+)"', page)]
    assert order == [urgent, high, normal]
    assert "138****1111" in page and "110101********1234" in page
    assert "13800001111" not in page and "110101199003071234" not in page

    only_high = client.get("/console", params={"priority": "high"}).text
    assert re.findall(r'data-case-id="(\d+)"', only_high) == [str(high)]
    assert "data-case-id" not in client.get("/console", params={"status": "closed"}).text
    rows = client.get("/console/queue/rows").text  # the live-refresh fragment
    assert [int(n) for n in re.findall(r'data-case-id="(\d+)"', rows)] == [urgent, high, normal]


def test_another_lawyers_case(live, accounts):
    case_id = _open(live, "w-busy", "high", "怀孕被辞退，电话13900002222")
    li, _ = console_login(live.url, "lawyer_li")
    wang, _ = console_login(live.url, "lawyer_wang")
    li.post(f"/console/cases/{case_id}/claim", data={"csrf": form_csrf(li.get("/console").text)})

    page = wang.get(f"/console/cases/{case_id}").text
    assert "13900002222" not in page and "139****2222" in page
    csrf = form_csrf(page)
    taken = wang.post(f"/console/cases/{case_id}/claim", data={"csrf": csrf})
    assert taken.status_code == 409 and "已被其他律师认领" in taken.text
    refused = wang.post(f"/console/cases/{case_id}/reply", data={"csrf": csrf, "text": "你好"})
    assert refused.status_code == 403 and "其他律师负责" in refused.text
    assert (
        wang.post(
            f"/console/cases/{case_id}/notes", data={"csrf": csrf, "text": "我处理过类似案子"}
        ).status_code
        == 303
    )
