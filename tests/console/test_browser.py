"""A worker and a lawyer in Debian Chromium, on one live app: the worker asks in the web chat and gets the
card answer with its articles, asks for a person, keeps asking while the case waits; the lawyer sees the
queue, claims, replies, and the reply appears in the worker's chat without a reload. Saves the README
screenshots."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect, sync_playwright

from tests.support.app import PASSWORD
from tests.support.fake_rasa import event
from tests.support.live import CHROMIUM, CHROMIUM_ARGS

pytestmark = [pytest.mark.slow, pytest.mark.skipif(CHROMIUM is None, reason="apt-get install chromium")]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def test_a_worker_asks_a_lawyer_answers_in_the_same_chat(live, fake_rasa):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    cases = live.app.state.cases
    cases.open_case(
        "web",
        "queue-urgent",
        topic="work_injury",
        priority="urgent",
        reasons=["risk:serious_injury"],
        description="工地脚手架塌了，两个工友压在下面，身份证110101199003071234",
    )
    cases.open_case(
        "wechat",
        "queue-high",
        topic="wage_arrears",
        priority="high",
        reasons=["risk:group_incident"],
        description="厂里三十多个工友被拖欠四个月工资",
    )
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            worker = browser.new_context(viewport={"width": 420, "height": 860}).new_page()
            worker.goto(f"{live.url}/")
            worker.fill("#message-input", "工伤评了十级，月工资六千，一次性伤残补助金能拿多少")
            worker.press("#message-input", "Enter")
            log = worker.locator("#log")
            expect(log).to_contain_text("7个月")
            expect(log.locator(".citation").first).to_contain_text("《工伤保险条例》")
            expect(log.locator(".reply-button", has_text="有帮助")).to_be_visible()
            worker.screenshot(path=str(SCREENSHOTS / "webchat_answer.png"), full_page=True)

            fake_rasa.queued.append(
                [
                    event(
                        "open_case",
                        description="工伤评了十级，单位不给一次性伤残补助金",
                        district="朝阳区",
                        phone_consent=True,
                        phone_given=True,
                        topic="work_injury",
                    )
                ]
            )
            worker.fill("#message-input", "转人工 我的电话13912345678")
            worker.press("#message-input", "Enter")
            expect(log).to_contain_text("已为您登记求助，编号")
            worker.fill("#message-input", "平时下班后加班 加班费按工资的多少算")  # the bot keeps answering meanwhile
            worker.press("#message-input", "Enter")
            expect(log).to_contain_text("150%")

            lawyer = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
            lawyer.goto(f"{live.url}/console")
            lawyer.fill("input[name=username]", "lawyer_li")
            lawyer.fill("input[name=password]", PASSWORD)
            lawyer.click("button[type=submit]")
            expect(lawyer.locator("tbody tr").first).to_contain_text("紧急")  # most urgent first
            expect(lawyer.locator("tbody")).to_contain_text("110101********1234")
            row = lawyer.locator("tbody tr", has_text="139****5678")
            expect(row).to_contain_text("工伤")
            lawyer.screenshot(path=str(SCREENSHOTS / "console_queue.png"), full_page=True)

            row.locator("a").first.click()
            lawyer.click("text=认领案件")
            expect(lawyer.locator(".alert.ok")).to_contain_text("已认领")
            expect(lawyer.locator("#transcript")).to_contain_text("13912345678")  # the holder sees full text
            expect(lawyer.locator("#transcript")).to_contain_text("加班费按工资的多少算")
            expect(lawyer.locator("aside")).to_contain_text("《工伤保险条例》")  # suggested from the bot's answer
            answer = "您好，我是工会律师。十级伤残的一次性伤残补助金是7个月本人工资，单位没参保的由单位支付。"
            lawyer.fill("#reply-text", answer)
            lawyer.click("text=发送回复")
            expect(lawyer.locator(".alert.ok")).to_contain_text("回复已发送给职工")
            expect(log).to_contain_text(answer, timeout=20_000)  # live, no reload
            lawyer.screenshot(path=str(SCREENSHOTS / "console_case.png"), full_page=True)
            worker.screenshot(path=str(SCREENSHOTS / "webchat_lawyer_reply.png"), full_page=True)
        finally:
            browser.close()
