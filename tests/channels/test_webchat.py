"""The web chat in-process: page, identity cookie, JSON endpoints, isolation and rate limits; and in Debian
Chromium on a live app: a phone-sized conversation with citation cards, buttons that send their payload,
keyboard-only use, tappable hotlines in a crisis."""

from __future__ import annotations

import re
import uuid

import pytest
from playwright.sync_api import expect
from starlette.testclient import TestClient

from phrasebook import say
from tests.support.app import isolated_settings
from tests.support.browser import MOBILE, Chromium
from tests.support.live import CHROMIUM, serve
from tests.support.wait import wait_until

browser_test = pytest.mark.skipif(CHROMIUM is None, reason="apt-get install chromium")


def send(client, text: str, after: int = 0, payload: str | None = None):
    return client.post(
        "/api/webchat/messages", json={"text": text, "client_id": uuid.uuid4().hex, "after": after, "payload": payload}
    )


def test_page_is_self_contained(app_client):
    client, _ = app_client
    page = client.get("/")
    assert page.status_code == 200 and "工会职工法律服务助手" in page.text
    assert not re.search(r'(src|href)="(https?:)?//', page.text)  # no CDN
    for asset in re.findall(r'(?:src|href)="(/static/[^"]+)"', page.text):
        assert client.get(asset).status_code == 200
    for topic in ("工资拖欠", "加班费", "辞退补偿", "工伤", "社保", "转人工"):
        assert f">{topic}</button>" in page.text
    assert 'aria-live="polite"' in page.text and 'for="message-input"' in page.text


def test_identity_is_a_signed_cookie(app_client):
    client, app = app_client
    client.get("/")
    cookie = client.cookies["laborbot_chat"]
    assert client.get("/api/webchat/messages").json() == {"messages": [], "escalated": False}
    assert "set-cookie" not in client.get("/api/webchat/messages").headers  # recognised
    assert "httponly" in TestClient(app).get("/").headers["set-cookie"].lower()
    forged = cookie[:-2] + ("AA" if not cookie.endswith("AA") else "BB")
    stranger = TestClient(app)
    stranger.cookies.set("laborbot_chat", forged)
    assert "set-cookie" in stranger.get("/api/webchat/messages").headers  # a tampered cookie is no identity
    forged_stream = TestClient(app)
    forged_stream.cookies.set("laborbot_chat", forged)
    assert forged_stream.get("/api/webchat/stream").status_code == 401


def test_send_and_history_are_one_visitors_own(app_client):
    client, app = app_client
    client.get("/")
    first = send(client, "单位拖欠工资三个月，我能要回来吗")
    assert first.status_code == 200
    messages = first.json()["messages"]
    assert messages[0]["author"] == "worker" and any(m["author"] == "bot" and m["text"] for m in messages[1:])
    history = client.get("/api/webchat/messages").json()["messages"]
    assert [m["id"] for m in history] == [m["id"] for m in messages]
    assert client.get(f"/api/webchat/messages?after={messages[-1]['id']}").json()["messages"] == []
    stranger = TestClient(app)
    stranger.get("/")
    assert stranger.get("/api/webchat/messages").json()["messages"] == []  # not someone else's chat


def test_rate_limit_is_friendly_per_visitor_and_per_address(tmp_path, fake_rasa, knowledge):
    from tests.support.app import running_app

    with running_app(
        isolated_settings(tmp_path, chat_rate_limit_per_min=3, chat_ip_rate_limit_per_min=6), fake_rasa, knowledge
    ) as (client, app):
        client.get("/")
        assert [send(client, f"问题{i}：加班费怎么算").status_code for i in range(3)] == [200] * 3
        limited = send(client, "再问一个")
        assert limited.status_code == 429 and limited.json()["detail"] == say("dialogue.rate_limited")
        # Dropping the cookie makes a new visitor, but not a new address.
        statuses = []
        for i in range(4):
            fresh = TestClient(app)
            fresh.get("/")
            statuses.append(send(fresh, f"换个身份再问{i}").status_code)
        assert statuses[:3] == [200, 200, 200] and statuses[3] == 429


@browser_test
def test_a_question_on_a_phone_with_citation_cards_and_button_payloads(tmp_path, fake_rasa, knowledge):
    server = serve(isolated_settings(tmp_path), fake_rasa, knowledge)
    try:
        with Chromium() as browser:
            page = browser.new_page(viewport=MOBILE, device_scale_factor=2, is_mobile=True, has_touch=True)
            page.goto(f"{server.url}/")
            page.get_by_role("button", name="工伤").click()
            expect(page.locator(".msg.worker .bubble").last).to_contain_text("工伤")
            expect(page.locator(".msg.bot")).to_have_count(2, timeout=30_000)  # the greeting and the answer
            question = "干了三年被公司辞退了，月工资八千，经济补偿能拿多少"
            fake_rasa.intents[question] = ("dismissal", 0.9)  # the NLU is not what is tested here
            page.get_by_label("输入您的问题").fill(question)
            page.keyboard.press("Enter")
            answer = page.locator(".msg.bot").nth(2)
            expect(answer).to_contain_text("经济补偿", timeout=30_000)
            card = answer.locator(".citation").first
            expect(card).to_be_visible(timeout=30_000)
            expect(card.locator("p")).to_be_hidden()
            card.locator("summary").click()
            expect(card.locator("p")).to_be_visible()
            assert re.match(r"(法律依据|可能相关)：《.+》第\d+条", card.locator("summary").inner_text())
            page.screenshot(path=str(_screenshot("webchat.png")))
            calculator = answer.locator(".reply-button", has_text="算一算经济补偿")
            calculator.click()
            expect(page.locator(".msg.worker .bubble").last).to_contain_text("算一算经济补偿")
            wanted = [{"entity": "calculator", "value": "severance"}]  # the button's payload, not its title
            wait_until(
                lambda: any(t.parse_data["entities"] == wanted for t in fake_rasa.turns), 10, what="the calculator turn"
            )
    finally:
        server.stop()


@browser_test
def test_keyboard_only_conversation(tmp_path, fake_rasa, knowledge):
    server = serve(isolated_settings(tmp_path), fake_rasa, knowledge)
    try:
        with Chromium() as browser:
            page = browser.new_page(viewport=MOBILE)
            page.goto(f"{server.url}/")
            page.keyboard.press("Tab")  # the skip link comes first …
            expect(page.locator(".skip-link")).to_be_focused()
            page.keyboard.press("Enter")  # … and jumps to the input
            expect(page.get_by_label("输入您的问题")).to_be_focused()
            page.keyboard.type("公司不给我交社保合法吗")
            page.keyboard.press("Enter")
            expect(page.locator(".msg.worker .bubble").last).to_contain_text("公司不给我交社保合法吗")
            expect(page.locator(".msg.bot").nth(1)).to_be_visible(timeout=30_000)  # nth(0) is the greeting
            expect(page.get_by_label("输入您的问题")).to_be_focused()
            expect(page.get_by_label("输入您的问题")).to_have_value("")
            assert page.locator("#log").get_attribute("aria-live") == "polite"
            assert page.locator(".msg.bot").nth(1).locator(".sr-only").first.inner_text() == "助手说："
    finally:
        server.stop()


@browser_test
def test_a_crisis_shows_tappable_hotlines_and_nothing_else(tmp_path, fake_rasa, knowledge):
    server = serve(isolated_settings(tmp_path), fake_rasa, knowledge)
    try:
        with Chromium() as browser:
            page = browser.new_page(viewport=MOBILE)
            page.goto(f"{server.url}/")
            page.get_by_label("输入您的问题").fill("工资一直要不到，我真的不想活了")
            page.keyboard.press("Enter")
            bubble = page.locator(".msg.bot").last
            expect(bubble.locator("a.hotline", has_text="12356")).to_have_attribute("href", "tel:12356")
            expect(bubble.locator(".citation")).to_have_count(0)
            expect(bubble.locator(".reply-button")).to_have_text(["留下电话", "先不用"])
            expect(page.locator("#escalation-banner")).to_be_visible()
            page.screenshot(path=str(_screenshot("webchat_crisis.png")))
    finally:
        server.stop()


def _screenshot(name: str):
    from api.core.settings import PROJECT_ROOT

    path = PROJECT_ROOT / "docs" / "screenshots" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    return path
