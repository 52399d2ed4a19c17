"""/admin over HTTP against a live app with the real corpus index: access, uploads and their refusals,
FAQ card validation, the audit trail, a killed build, unanswered questions and insights."""

from __future__ import annotations

import io
import os
import signal

import pytest
from docx import Document as WordDocument

from tests.console.live import PASSWORD

from .helpers import admin_login, alerts, page_csrf, start_build, wait_for_job

pytestmark = pytest.mark.slow


def _docx(*paragraphs: tuple[str, str]) -> bytes:
    doc = WordDocument()
    for style, text in paragraphs:
        doc.add_paragraph(text, style=style)
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def test_only_staff_and_admins_get_in(live):
    client, response = admin_login(live.url, "lawyer_li")
    assert response.status_code == 403 and "无权" in response.text
    assert client.get("/admin/documents", follow_redirects=False).headers["location"] == "/admin/login"
    _, response = admin_login(live.url, "staff_sun", PASSWORD + "x")
    assert response.status_code == 401
    staff, response = admin_login(live.url)
    assert response.status_code == 303 and response.headers["location"] == "/admin"
    listing = staff.get("/admin/documents").text
    assert "劳动合同法" in listing and "工会法律援助服务指南" in listing and "仓库默认" in listing
    # a console session does not open /admin and vice versa
    assert staff.post("/admin/documents/status", data={"kind": "policy", "key": "legal_aid.md",
                                                      "action": "retire", "csrf": "forged"}).status_code == 403


def test_uploads_are_converted_or_refused_with_a_reason(live, admin_env):
    client, _ = admin_login(live.url)
    csrf = page_csrf(client)

    def upload(name: str, data: bytes, **fields):
        return client.post("/admin/documents/upload", data={"csrf": csrf, **fields}, files={"file": (name, data)})

    refusals = {
        ("broken.docx", b"PK\x03\x04 not really a zip"): "Word 文件",
        ("empty.txt", b""): "空的",
        ("slides.pdf", b"%PDF-1.4"): "只支持",
        ("law.md", "---\ntitle: 某法\ndoc_type: law\n---\n第一条 内容".encode()): "union_policy",
        ("bad.md", "---\ntitle: [未闭合\n---\n正文".encode()): "YAML",
        ("dated.txt", "标题\n\n正文内容。".encode()): "YYYY-MM-DD",
    }
    for (name, data), reason in refusals.items():
        response = upload(name, data, effective_date="2025年1月" if name == "dated.txt" else "")
        assert response.status_code == 422, name
        assert any(reason in a for a in alerts(response.text)), (name, alerts(response.text))

    word = _docx(("Title", "新就业形态劳动者暖心驿站指南"), ("Heading 2", "第一章 服务内容"),
                 ("Normal", "驿站为快递员、外卖骑手提供饮水、充电和休息。"), ("Normal", "驿站每天开放到晚上十点。"))
    response = upload("驿站.docx", word, short_title="暖心驿站指南", effective_date="2025-03-01")
    assert response.status_code == 303
    detail = client.get(response.headers["location"]).text
    assert "第一条 驿站为快递员" in detail and "## 第一章 服务内容" in detail and "第1版" in detail
    stored = list((admin_env.kb_staff_dir / "policy").glob("*.md"))
    assert len(stored) == 1 and "short_title: 暖心驿站指南" in stored[0].read_text(encoding="utf-8")
    again = upload("again.txt", "别的标题\n\n正文内容。".encode(), short_title="暖心驿站指南")
    assert again.status_code == 422 and "已被其他文档使用" in " ".join(alerts(again.text))

    # editing metadata makes version 2; the diff shows the change
    key = stored[0].name
    client.post("/admin/documents/meta", data={"csrf": csrf, "key": key, "title": "新就业形态劳动者暖心驿站指南",
                                               "short_title": "暖心驿站指南", "effective_date": "2025-04-01",
                                               "review_date": "", "source": "区总工会"})
    diff = client.get("/admin/documents/diff", params={"kind": "policy", "key": key, "old": 1, "new": 2}).text
    assert "source:&nbsp;区总工会" in diff and "diff_add" in diff and "diff_chg" in diff
    audit = client.get("/admin/audit").text
    assert audit.count("staff_sun") >= 2 and "上传文档" in audit and "修改文档信息" in audit


def test_faq_cards_must_cite_existing_in_force_articles(live, admin_env):
    client, _ = admin_login(live.url)
    csrf = page_csrf(client, "/admin/faq/new")
    card = {"csrf": csrf, "id": "probation-length", "intent": "labor_contract", "is_new": "true",
            "questions": "试用期最长能定多久\n公司说试用期一年，这样行吗", "answer": "试用期长短和劳动合同期限挂钩，最长不超过六个月。"}
    cases = {
        "劳动合同法 第999条": "不存在",
        "最高人民法院关于审理劳动争议案件适用法律若干问题的解释 第1条": "已废止",
        "北京市法律援助条例 第11条": "待核实",
        "合同法 第19条": "不存在",
        "合同法第十九条吧": "无法识别",
    }
    for line, reason in cases.items():
        response = client.post("/admin/faq/save", data={**card, "articles": line})
        assert response.status_code == 422 and reason in response.text, line
        assert not (admin_env.kb_staff_dir / "faq" / "probation-length.yml").exists()
    response = client.post("/admin/faq/save", data={**card, "articles": "《劳动合同法》第十九条"})
    assert response.status_code == 303
    saved = (admin_env.kb_staff_dir / "faq" / "probation-length.yml").read_text(encoding="utf-8")
    assert "law: 劳动合同法" in saved and "article: 19" in saved

    # a statute staff mark as repealed can no longer back a card, even before the next build
    client.post("/admin/documents/status", data={"csrf": csrf, "kind": "corpus", "key": "劳动合同法", "action": "retire"})
    response = client.post("/admin/faq/save", data={**card, "id": "probation-two", "articles": "劳动合同法 第19条"})
    assert response.status_code == 422 and "已废止" in response.text


def test_a_killed_build_leaves_the_old_version_answering(live):
    client, _ = admin_login(live.url)
    before = live.app.state.kb.version
    job_id = start_build(client, full=True)  # re-embeds every chunk: long enough to be caught mid-way
    job = wait_for_job(client, job_id, 120, until=lambda j: j["state"] != "running" or j["stage"].startswith("向量化"))
    assert job["state"] == "running" and job["pid"]
    os.kill(job["pid"], signal.SIGKILL)
    job = wait_for_job(client, job_id, 30)
    assert job["state"] == "failed" and "SIGKILL" in job["message"] and before in job["message"]
    assert live.app.state.kb.version == before
    # the bot still answers from the old version, through the action server's path
    reply = live.internal("reply", {"sender_id": "web:w-kill", "text": "单位拖欠工资三个月不发怎么办",
                                    "intent": "wage_arrears", "confidence": 0.95, "entities": []})
    assert reply.status_code == 200 and reply.json()["citations"]
    assert "失败" in client.get("/admin/index").text and "索引重建失败" in client.get("/admin/audit").text
    # and a rollback with a single version is refused clearly
    response = client.post("/admin/index/rollback", data={"csrf": page_csrf(client, "/admin/index")})
    assert "没有可以回滚的旧版本" in client.get(response.headers["location"]).text


def test_unanswered_questions_are_grouped_and_insights_aggregate(live):
    phone = "13912345678"
    questions = [("web:u1", "公司让我签竞业限制协议但一分钱补偿都没有"),
                 ("web:u2", "公司让我签竞业限制协议，没有补偿可以吗"),
                 ("web:u3", f"单位要求签竞业限制协议却没有补偿，我电话{phone}")]
    for sender, text in questions:
        response = live.internal("cases", {"sender_id": sender, "description": text, "district": "海淀区",
                                           "intent": "labor_contract", "reasons": ["low_retrieval_confidence"],
                                           "entities": [{"entity": "employer_type", "value": "互联网企业"}]})
        assert response.status_code == 200
    live.worker_says("web", "u9", "外卖平台扣我的配送费怎么算")  # Rasa is down: stored, answered "busy"
    assert live.internal("feedback", {"sender_id": "web:u9", "score": 1, "about": "answer"}).status_code == 200

    client, _ = admin_login(live.url)
    page = client.get("/admin/unanswered").text
    assert "劳动合同" in page and page.count('class="cluster"') == 2  # three paraphrases, one other question
    assert phone not in page and "外卖平台扣我的配送费" in page and "差评（1分）" in page
    assert "据此新建FAQ卡片" in page and "intent=labor_contract" in page

    insights = client.get("/admin/insights").text
    assert "<svg" in insights and "海淀区" in insights and "互联网企业" in insights
    csv = client.get("/admin/insights.csv")
    assert csv.headers["content-type"].startswith("text/csv")
    assert "转人工案件数,,3" in csv.text and "区县,海淀区,3" in csv.text and "转人工原因,未找到可靠的法律依据,3" in csv.text
    assert phone not in csv.text and "竞业限制" not in csv.text  # aggregates only
