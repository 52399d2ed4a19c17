"""The web chat: page, identity, JSON endpoints, and the real bot and console in Debian Chromium."""
from __future__ import annotations

import re
import uuid

import httpx
import pytest
from playwright.sync_api import expect

from api.channels.ratelimit import RATE_LIMITED_TEXT
from api.core.settings import PROJECT_ROOT
from api.users.models import Role
from tests.channels.browser import MOBILE, Chromium, lawyer_replies
from tests.channels.servers import wait_until
from tests.channels.wechat_sim import WeChatPlatform, answer_of, new_openid
from tests.channels.conftest import AES_KEY, APPID, TOKEN

pytestmark = pytest.mark.slow
SCREENSHOT = PROJECT_ROOT / "docs" / "screenshots" / "webchat.png"
LAWYER, LAWYER_PASSWORD = "lawyer_wang", "correct-horse-42"


def handoff_answer(bot_text: str) -> str:
    """What a worker answers to each question of the handoff form (no phone number given)."""
    if "哪个区" in bot_text:
        return "朝阳区"
    if "手机号" in bot_text:
        return "不同意"
    return "我在朝阳区一家物流公司干了两年，老板拖欠了三个月工资不给，想请律师帮忙要回来"


def send(client: httpx.Client, text: str, after: int = 0) -> httpx.Response:
    return client.post("/api/webchat/messages", json={"text": text, "client_id": uuid.uuid4().hex, "after": after},
                       timeout=30)


def add_lawyer(server) -> None:
    from sqlalchemy.orm import sessionmaker

    from api.users.service import create_user

    with sessionmaker(bind=server.engine)() as db:
        create_user(db, LAWYER, LAWYER_PASSWORD, Role.lawyer)


def test_page_is_self_contained(app_server):
    page = httpx.get(f"{app_server.url}/")
    assert page.status_code == 200 and "工会职工法律服务助手" in page.text
    assert not re.search(r'(src|href)="(https?:)?//', page.text)  # no CDN
    for asset in re.findall(r'(?:src|href)="(/static/[^"]+)"', page.text):
        assert httpx.get(f"{app_server.url}{asset}").status_code == 200
    for topic in ("工资拖欠", "加班费", "辞退补偿", "工伤", "社保", "转人工"):
        assert f">{topic}</button>" in page.text
    assert 'aria-live="polite"' in page.text and 'for="message-input"' in page.text


def test_identity_is_a_signed_cookie(app_server):
    with httpx.Client(base_url=app_server.url) as visitor:
        visitor.get("/")
        cookie = visitor.cookies["laborbot_chat"]
        assert "httponly" in visitor.get("/", headers={"Cookie": ""}).headers["set-cookie"].lower()
        assert visitor.get("/api/webchat/messages").json() == {"messages": [], "escalated": False}
        assert "set-cookie" not in visitor.get("/api/webchat/messages").headers  # recognised
    forged = cookie[:-2] + ("AA" if not cookie.endswith("AA") else "BB")
    response = httpx.get(f"{app_server.url}/api/webchat/messages", cookies={"laborbot_chat": forged})
    assert "set-cookie" in response.headers  # a tampered cookie is not an identity: a new one is issued
    stream = httpx.get(f"{app_server.url}/api/webchat/stream", cookies={"laborbot_chat": forged})
    assert stream.status_code == 401


def test_send_and_history_with_the_real_bot(bot_app):
    with httpx.Client(base_url=bot_app.url) as visitor:
        visitor.get("/")
        first = send(visitor, "单位拖欠工资三个月，我能要回来吗")
        assert first.status_code == 200
        messages = first.json()["messages"]
        assert [m["author"] for m in messages][0] == "worker"
        assert any(m["author"] == "bot" and m["text"] for m in messages[1:])
        history = visitor.get("/api/webchat/messages").json()["messages"]
        assert [m["id"] for m in history] == [m["id"] for m in messages]
        assert visitor.get(f"/api/webchat/messages?after={messages[-1]['id']}").json()["messages"] == []
    with httpx.Client(base_url=bot_app.url) as stranger:
        stranger.get("/")
        assert stranger.get("/api/webchat/messages").json()["messages"] == []  # not someone else's chat


def test_rate_limit_is_friendly(bot_app):
    with httpx.Client(base_url=bot_app.url) as visitor:
        visitor.get("/")
        statuses = [send(visitor, f"问题{i}：加班费怎么算").status_code for i in range(10)]
        assert statuses == [200] * 10
        limited = send(visitor, "再问一个")
        assert limited.status_code == 429 and limited.json()["detail"] == RATE_LIMITED_TEXT


def test_quick_topic_answer_with_citation_card_on_a_phone(bot_app):
    with Chromium() as browser:
        page = browser.new_page(viewport=MOBILE, device_scale_factor=2, is_mobile=True, has_touch=True)
        page.goto(f"{bot_app.url}/")
        page.get_by_role("button", name="工资拖欠").click()
        expect(page.locator(".msg.worker .bubble").last).to_contain_text("工资拖欠")
        card = page.locator(".msg.bot .citation").first
        expect(card).to_be_visible(timeout=30_000)
        expect(card.locator("p")).to_be_hidden()
        card.locator("summary").click()
        expect(card.locator("p")).to_be_visible()
        assert re.match(r"法律依据：《.+》第\d+条", card.locator("summary").inner_text())
        SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOT))


def test_keyboard_only_conversation(bot_app):
    with Chromium() as browser:
        page = browser.new_page(viewport=MOBILE)
        page.goto(f"{bot_app.url}/")
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


def test_escalation_banner_and_live_lawyer_reply(bot_app):
    add_lawyer(bot_app)
    with Chromium() as browser:
        worker = browser.new_page(viewport=MOBILE)
        worker.goto(f"{bot_app.url}/")
        banner = worker.locator("#escalation-banner")
        expect(banner).to_be_hidden()
        worker.get_by_role("button", name="转人工").click()
        for _ in range(4):  # the handoff form asks for a description, the district and phone consent
            expect(worker.locator("#typing")).to_be_hidden(timeout=30_000)
            if banner.is_visible():
                break
            worker.get_by_label("输入您的问题").fill(handoff_answer(worker.locator(".msg.bot").last.inner_text()))
            worker.keyboard.press("Enter")
        expect(banner).to_be_visible()
        expect(banner).to_have_text("已转人工，律师将尽快回复")
        case_id = wait_until(lambda: bot_app.rows("SELECT id FROM cases WHERE channel = 'web'"), 10,
                             what="the case")[0][0]

        lawyer_replies(browser, bot_app.url, LAWYER, LAWYER_PASSWORD, case_id, "您好，我是工会律师，请说说具体情况。")
        lawyer_bubble = worker.locator(".msg.lawyer .bubble")
        expect(lawyer_bubble).to_contain_text("请说说具体情况", timeout=20_000)  # pushed live, no reload
        worker.screenshot(path=str(SCREENSHOT.with_name("webchat-lawyer.png")))
        worker.reload()
        expect(worker.locator(".msg.lawyer .bubble")).to_have_count(1)  # stored: history shows it once
        expect(banner).to_be_visible()


def test_lawyer_reply_to_a_wechat_worker_goes_through_the_outbox(bot_app, fake_cs):
    add_lawyer(bot_app)
    platform, user = WeChatPlatform(bot_app.url, TOKEN, AES_KEY, APPID), new_openid("handoff")
    reply = answer_of(platform.deliver(platform.text(user, "转人工")), fake_cs, user)
    for _ in range(3):  # the handoff form: description, district, phone consent
        if bot_app.rows("SELECT id FROM cases WHERE channel = 'wechat' AND user_id = :u", u=user):
            break
        reply = answer_of(platform.deliver(platform.text(user, handoff_answer(reply))), fake_cs, user)
    case_id = wait_until(lambda: bot_app.rows("SELECT id FROM cases WHERE channel = 'wechat' AND user_id = :u",
                                                 u=user), 10, what="the case")[0][0]
    with Chromium() as browser:
        lawyer_replies(browser, bot_app.url, LAWYER, LAWYER_PASSWORD, case_id, "您好，请把劳动合同拍照发给我们。")
    pushed = wait_until(lambda: [p for p in fake_cs.pushes_to(user) if "劳动合同" in p], 20, what="the push")
    assert pushed == ["【工会律师回复】您好，请把劳动合同拍照发给我们。"]
