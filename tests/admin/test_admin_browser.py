"""/admin in Debian Chromium against a live app and its own copy of the real index (a fake Rasa reads the
preview's questions): a staff member uploads a document, re-indexes, previews a question and sees the
document in the answer, retires it and sees it gone; an unanswered question becomes an answer card that
the preview then answers with. Saves the README screenshots docs/screenshots/admin_*.png."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.support.app import PASSWORD
from tests.support.browser import Chromium

from .helpers import seed_history

pytestmark = pytest.mark.slow
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
BUILD_TIMEOUT_MS = 600_000  # a full rebuild of ~1,250 cards on a busy 2-core machine

SUMMER_CARE = """# 职工子女暑期托管服务指南

每年七月至八月，区总工会在职工服务站开办职工子女暑期托管班，招收六至十二岁的职工子女，帮助双职工家庭解决暑假孩子无人照看的难题。

暑期托管班免费，提供午餐、午休、作业辅导和安全教育，每天早八点至晚五点半开放。

工会会员可以通过本单位工会或拨打12351报名暑期托管班，名额有限，先到先得。
"""
SUMMER_QUESTION = "工会的暑期托管班怎么报名"


def _login(page: Page, base_url: str) -> None:
    page.goto(f"{base_url}/admin/login")
    page.fill("input[name=username]", "staff_sun")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    expect(page).to_have_url(f"{base_url}/admin/documents")


def _reindex(page: Page, base_url: str) -> None:
    page.goto(f"{base_url}/admin/index")
    page.click("#build")
    page.wait_for_selector("#job.succeeded, #job.failed", timeout=BUILD_TIMEOUT_MS)
    expect(page.locator("#job")).to_have_class("job succeeded")
    print("re-index:", page.locator(".job-message").inner_text())


def _preview(page: Page, base_url: str, question: str) -> str:
    page.goto(f"{base_url}/admin/preview")
    page.fill("#question", question)
    page.click("#preview-form button")
    expect(page.locator("#preview-result")).to_be_visible(timeout=30_000)
    return page.locator("#r-answer").inner_text()


def test_uploaded_document_is_cited_until_retired(admin_live, fake_rasa, tmp_path):
    live_nlu = admin_live
    fake_rasa.intents[SUMMER_QUESTION] = ("union_services", 0.9)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    source = tmp_path / "暑期托管.md"
    source.write_text(SUMMER_CARE, encoding="utf-8")
    with Chromium() as browser:
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.on("dialog", lambda dialog: dialog.accept())
        _login(page, live_nlu.url)
        _preview(page, live_nlu.url, SUMMER_QUESTION)
        expect(page.locator("#r-citations")).not_to_contain_text("职工子女暑期托管服务指南")

        page.goto(f"{live_nlu.url}/admin/documents")
        page.set_input_files("input[name=file]", str(source))
        page.fill("input[name=effective_date]", "2025-06-01")
        page.click("#upload")
        expect(page.locator(".alert.ok")).to_contain_text("文档已上传")
        expect(page.locator("pre.source")).to_contain_text("第三条 工会会员可以通过本单位工会")
        detail_url = page.url
        page.goto(f"{live_nlu.url}/admin/documents?kind=policy")
        page.screenshot(path=str(SCREENSHOTS / "admin_documents.png"), full_page=True)

        _reindex(page, live_nlu.url)
        _preview(page, live_nlu.url, SUMMER_QUESTION)
        expect(page.locator("#r-citations")).to_contain_text("职工子女暑期托管服务指南")
        page.screenshot(path=str(SCREENSHOTS / "admin_preview.png"), full_page=True)

        page.goto(detail_url)
        page.click("button[value=retire]")
        expect(page.locator(".alert.ok")).to_contain_text("已停用")
        _reindex(page, live_nlu.url)
        _preview(page, live_nlu.url, SUMMER_QUESTION)
        expect(page.locator("#r-citations")).not_to_contain_text("职工子女暑期托管服务指南")
        page.goto(f"{live_nlu.url}/admin/audit")
        expect(page.locator("#audit")).to_contain_text("停用/废止")
        expect(page.locator("#audit")).to_contain_text("索引重建完成")


def test_unanswered_question_becomes_a_card_the_bot_answers_with(admin_live, fake_rasa):
    live = admin_live
    question = "单位组织团建去爬山我在山上摔伤了"
    fake_rasa.intents[question] = ("work_injury", 0.9)
    from api.conversation.models import UnansweredQuestion

    with live.app.state.sessions() as db:
        db.add(
            UnansweredQuestion(
                channel="web",
                user_id="w-teambuilding",
                text=question,
                topic="work_injury",
                reason="low_confidence",
                candidates=[],
            )
        )
        db.commit()
    card_answer = "单位组织的团建活动属于工作安排，活动中受伤一般可以按因工作原因受伤申请认定工伤。"
    with Chromium() as browser:
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        _login(page, live.url)
        page.goto(f"{live.url}/admin/unanswered")
        cluster = page.locator("tr.cluster", has_text="团建")
        expect(cluster).to_contain_text("智能助手没能确定答案")
        page.screenshot(path=str(SCREENSHOTS / "admin_unanswered.png"), full_page=True)
        cluster.locator("text=据此新建答案卡片").click()

        expect(page.locator("input[name=question]")).to_have_value(question)
        expect(page.locator("select[name=intent]")).to_have_value("work_injury")
        page.fill("input[name=id]", "team-building-injury")
        page.fill(
            "textarea[name=variants]", "公司团建爬山摔了算工伤吗\n单位组织活动时受伤能认工伤吗\n团建出去玩受伤了找谁"
        )
        page.fill("textarea[name=answer]", card_answer)
        page.fill("textarea[name=steps]", "保留单位组织活动的通知、照片和就医记录\n受伤之日起1年内可以自己申请工伤认定")
        page.fill("textarea[name=articles]", "工伤保险条例 第99条")
        page.click("#save-card")
        expect(page.locator(".alert.error")).to_contain_text("《工伤保险条例》第99条不存在")
        page.fill("textarea[name=articles]", "工伤保险条例 第14条\n工伤保险条例 第17条")
        page.click("#save-card")
        expect(page.locator(".alert.ok")).to_contain_text("答案卡片已保存")

        _reindex(page, live.url)
        assert card_answer in _preview(page, live.url, question)
        expect(page.locator("#r-citations")).to_contain_text("工伤保险条例")

        seed_history(live.app.state.sessions)
        page.goto(f"{live.url}/admin/insights")
        expect(page.locator("svg.chart").first).to_be_visible()
        expect(page.locator("main")).to_contain_text("工资拖欠")
        page.screenshot(path=str(SCREENSHOTS / "admin_insights.png"), full_page=True)
