"""The console in Debian Chromium: log in, see the queue, claim, reply, and watch the reply arrive in the
worker's web chat (a second browser context on the same live server). Saves the README screenshots."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest
from playwright.sync_api import expect, sync_playwright
from starlette.requests import Request

from api.channels.webchat.identity import COOKIE, read_identity
from api.conversation.service import CASE_ACK
from api.core.settings import get_settings

from .live import PASSWORD

pytestmark = pytest.mark.slow
REPO = Path(__file__).resolve().parents[2]
SCREENSHOTS = REPO / "docs" / "screenshots"
KB_FIXTURES = REPO / "tests" / "kb" / "fixtures"  # a tiny statute corpus: the article links get real text
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


@pytest.fixture
def fixture_index(live_env):
    from knowledge_base.index import Sources, build_index

    build_index(
        Sources(
            corpus_dir=KB_FIXTURES / "corpus",
            kb_docs_dir=KB_FIXTURES / "docs",
            manifest_path=KB_FIXTURES / "manifest.yml",
            data_dir=KB_FIXTURES / "data",
        ),
        get_settings().index_dir,
    )


def _wait_for_kb(app, timeout_s: float = 60) -> None:
    deadline = time.monotonic() + timeout_s
    while not (app.state.kb is not None and app.state.kb.ready):
        assert time.monotonic() < deadline, "knowledge base did not load"
        time.sleep(0.1)


def _worker_id(app, cookie_value: str) -> str:
    scope = {"type": "http", "headers": [(b"cookie", f"{COOKIE}={cookie_value}".encode())], "app": app}
    return read_identity(Request(scope))


@pytest.mark.skipif(shutil.which("chromium") is None, reason="apt-get install chromium")
def test_lawyer_reply_reaches_the_workers_chat(fixture_index, live, accounts):
    _wait_for_kb(live.app)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=shutil.which("chromium"), args=CHROMIUM_ARGS)
        try:
            worker = browser.new_context(viewport={"width": 420, "height": 800}).new_page()
            worker.goto(f"{live.url}/")
            cookie = next(c for c in worker.context.cookies() if c["name"] == COOKIE)
            sender = f"web:{_worker_id(live.app, cookie['value'])}"

            # What the action server does on an escalating answer and at the end of the handoff form.
            escalated = live.internal(
                "reply",
                {
                    "sender_id": sender,
                    "intent": "wage_arrears",
                    "confidence": 0.35,
                    "text": "老板拖欠工资，我能解除合同要经济补偿吗",
                    "entities": [],
                },
            ).json()
            assert escalated["escalate"] and escalated["citations"]
            case_id = live.internal(
                "cases",
                {
                    "sender_id": sender,
                    "description": "在工地干了8个月，老板拖欠三个月工资共两万三千元，想解除合同要补偿",
                    "district": "朝阳区",
                    "phone": "13912345678",
                    "consent": True,
                    "intent": "wage_arrears",
                },
            ).json()["case_id"]
            assert case_id == escalated["case_id"]

            worker.fill("#message-input", "我手里有工资条和考勤记录的照片，电话13912345678")
            worker.press("#message-input", "Enter")
            expect(worker.locator("#log")).to_contain_text(CASE_ACK)

            others = [
                ("web:queue-urgent", "urgent", "工地脚手架塌了，两个工友压在下面，身份证110101199003071234"),
                ("wechat:queue-high", "high", "厂里三十多个工友被拖欠四个月工资，大家准备明天去堵厂门"),
            ]
            for other_sender, priority, text in others:
                live.internal(
                    "cases",
                    {
                        "sender_id": other_sender,
                        "description": text,
                        "priority": priority,
                        "reasons": ["user_request"],
                        "intent": "wage_arrears",
                    },
                )

            lawyer = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
            lawyer.goto(f"{live.url}/console")
            lawyer.fill("input[name=username]", "lawyer_li")
            lawyer.fill("input[name=password]", PASSWORD)
            lawyer.click("button[type=submit]")
            expect(lawyer.locator("tbody tr").first).to_contain_text("紧急")  # most urgent first
            expect(lawyer.locator("tbody")).to_contain_text("110101********1234")
            row = lawyer.locator(f'tr[data-case-id="{case_id}"]')
            expect(row).to_contain_text("一般")
            expect(row).to_contain_text("139****5678")
            lawyer.screenshot(path=str(SCREENSHOTS / "console_queue.png"), full_page=True)

            row.locator("a").first.click()
            lawyer.click("text=认领案件")
            expect(lawyer.locator(".alert.ok")).to_contain_text("已认领")
            expect(lawyer.locator("#transcript")).to_contain_text("13912345678")  # the holder sees full text
            answer = (
                "您好，我是工会律师。老板拖欠工资，您可以书面通知解除劳动合同并要求经济补偿，"
                "请保留好工资条和考勤记录。"
            )
            lawyer.fill("#reply-text", answer)
            lawyer.click("text=发送回复")
            expect(lawyer.locator(".alert.ok")).to_contain_text("回复已发送给职工")

            expect(worker.locator("#log")).to_contain_text(answer, timeout=20_000)  # live, no reload
            lawyer.screenshot(path=str(SCREENSHOTS / "console_case.png"), full_page=True)

            cited = escalated["citations"][0]
            lawyer.locator("aside a[href^='/console/articles/']").first.click()
            expect(lawyer.locator("h1")).to_contain_text(f"《{cited['law']}》第{cited['article']}条")
            expect(lawyer.locator(".statute")).to_contain_text(cited["text"][:12])
        finally:
            browser.close()
