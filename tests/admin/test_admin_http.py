"""/admin in-process with its own copy of the real index: access, uploads and their refusals, keys that try
to leave the knowledge base, the card editor (validation, search, hit counts), the audit trail, a killed
build, the unanswered queue and insights."""

from __future__ import annotations

import io
import os
import signal
import time

import pytest
from docx import Document as WordDocument

from api.admin.convert import MAX_PARAGRAPHS
from tests.support.app import PASSWORD

from .helpers import admin_login, alerts, page_csrf, seed_history, start_build, wait_for_job


def _docx(*paragraphs: tuple[str, str]) -> bytes:
    doc = WordDocument()
    for style, text in paragraphs:
        doc.add_paragraph(text, style=style)
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def test_only_staff_and_admins_get_in(admin_env):
    app = admin_env.app
    client, response = admin_login(app, "lawyer_li")
    assert response.status_code == 403 and "无权" in response.text
    assert client.get("/admin/documents", follow_redirects=False).headers["location"] == "/admin/login"
    assert admin_login(app, "staff_sun", PASSWORD + "x")[1].status_code == 401
    staff, response = admin_login(app)
    assert response.status_code == 303 and response.headers["location"] == "/admin"
    listing = staff.get("/admin/documents").text
    assert "劳动合同法" in listing and "工会法律援助服务指南" in listing and "仓库默认" in listing
    forged = staff.post(
        "/admin/documents/status", data={"kind": "policy", "key": "legal_aid.md", "action": "retire", "csrf": "forged"}
    )
    assert forged.status_code == 403


@pytest.mark.parametrize("route", ["meta", "replace", "status"])
def test_no_key_reaches_a_file_outside_the_knowledge_base(admin_env, route):
    client, _ = admin_login(admin_env.app)  # signing the session creates the secret key
    secret = admin_env.settings.var_dir / "secret_key"
    before = secret.read_text()
    csrf = page_csrf(client)
    key = "../../../var/secret_key"
    fields = {
        "meta": {"title": "x", "short_title": "x"},
        "replace": {},
        "status": {"kind": "policy", "action": "retire"},
    }[route]
    files = {"file": ("x.txt", "标题\n\n正文。".encode())} if route == "replace" else None
    response = client.post(f"/admin/documents/{route}", data={"csrf": csrf, "key": key, **fields}, files=files)
    assert response.status_code in (404, 409, 422)
    assert secret.read_text() == before
    assert client.get("/admin/documents/item", params={"kind": "policy", "key": key}).status_code == 404


def test_uploads_are_converted_or_refused_with_a_reason(admin_env):
    client, _ = admin_login(admin_env.app)
    csrf = page_csrf(client)

    def upload(name: str, data: bytes, **fields):
        return client.post(
            "/admin/documents/upload",
            data={"csrf": csrf, **fields},
            files={"file": (name, data)},
            follow_redirects=False,
        )

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

    word = _docx(
        ("Title", "新就业形态劳动者暖心驿站指南"),
        ("Heading 2", "第一章 服务内容"),
        ("Normal", "驿站为快递员、外卖骑手提供饮水、充电和休息。"),
        ("Normal", "驿站每天开放到晚上十点。"),
    )
    response = upload("驿站.docx", word, short_title="暖心驿站指南", effective_date="2025-03-01")
    assert response.status_code == 303
    detail = client.get(response.headers["location"]).text
    assert "第一条 驿站为快递员" in detail and "## 第一章 服务内容" in detail and "第1版" in detail
    stored = list((admin_env.settings.kb_staff_dir / "policy").glob("*.md"))
    assert len(stored) == 1 and "short_title: 暖心驿站指南" in stored[0].read_text(encoding="utf-8")
    again = upload("again.txt", "别的标题\n\n正文内容。".encode(), short_title="暖心驿站指南")
    assert again.status_code == 422 and "已被其他文档使用" in " ".join(alerts(again.text))

    key = stored[0].name  # editing metadata makes version 2; the diff shows the change
    client.post(
        "/admin/documents/meta",
        data={
            "csrf": csrf,
            "key": key,
            "title": "新就业形态劳动者暖心驿站指南",
            "short_title": "暖心驿站指南",
            "effective_date": "2025-04-01",
            "review_date": "",
            "source": "区总工会",
        },
    )
    diff = client.get("/admin/documents/diff", params={"kind": "policy", "key": key, "old": 1, "new": 2}).text
    assert "source:&nbsp;区总工会" in diff and "diff_add" in diff and "diff_chg" in diff
    audit = client.get("/admin/audit").text
    assert audit.count("staff_sun") >= 2 and "上传文档" in audit and "修改文档信息" in audit


def test_a_huge_docx_is_refused_without_holding_up_other_requests(admin_env):
    """Conversion runs in a worker process with a time and size limit (a 20,000-paragraph file stalled the
    whole app for seconds); a zip bomb is refused."""
    client, _ = admin_login(admin_env.app)
    csrf = page_csrf(client)
    huge = _docx(*[("Normal", f"第{i}段") for i in range(MAX_PARAGRAPHS + 1)])  # building 20,000 took 16 s
    started = time.monotonic()
    response = client.post("/admin/documents/upload", data={"csrf": csrf}, files={"file": ("huge.docx", huge)})
    assert response.status_code == 422 and any("太长" in a or "太大" in a for a in alerts(response.text))
    assert time.monotonic() - started < 30
    bomb = io.BytesIO()
    import zipfile

    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", "<w:document>" + "a" * 50_000_000 + "</w:document>")
    response = client.post(
        "/admin/documents/upload", data={"csrf": csrf}, files={"file": ("bomb.docx", bomb.getvalue())}
    )
    assert response.status_code == 422


def test_cards_must_cite_existing_in_force_articles(admin_env):
    client, _ = admin_login(admin_env.app)
    csrf = page_csrf(client, "/admin/faq/new")
    card = {
        "csrf": csrf,
        "id": "probation-length-staff",
        "intent": "labor_contract",
        "is_new": "true",
        "question": "试用期最长能定多久",
        "variants": "公司说试用期一年行吗\n试用期半年合法吗\n签两年合同试用期几个月",
        "answer": "试用期长短和劳动合同期限挂钩，最长不超过六个月。",
    }
    cases = {
        "劳动合同法 第999条": "不存在",
        "最高人民法院关于审理劳动争议案件适用法律若干问题的解释 第1条": "已废止",
        "北京市法律援助条例 第11条": "待核实",
        "合同法 第19条": "不存在",
        "合同法第十九条吧": "无法识别",
    }
    staff_dir = admin_env.settings.kb_staff_dir / "faq"
    for line, reason in cases.items():
        response = client.post("/admin/faq/save", data={**card, "articles": line})
        assert response.status_code == 422 and reason in response.text, line
        assert not (staff_dir / "probation-length-staff.yml").exists()
    too_long = client.post("/admin/faq/save", data={**card, "answer": "长" * 200, "articles": "劳动合同法 第19条"})
    assert too_long.status_code == 422 and "最多 160 个字" in too_long.text
    response = client.post(
        "/admin/faq/save", data={**card, "articles": "《劳动合同法》第十九条"}, follow_redirects=False
    )
    assert response.status_code == 303
    saved = (staff_dir / "probation-length-staff.yml").read_text(encoding="utf-8")
    assert "law: 劳动合同法" in saved and "article: 19" in saved and "question: 试用期最长能定多久" in saved

    # a statute staff mark as repealed can no longer back a card, even before the next build
    client.post(
        "/admin/documents/status", data={"csrf": csrf, "kind": "corpus", "key": "劳动合同法", "action": "retire"}
    )
    response = client.post("/admin/faq/save", data={**card, "id": "probation-two", "articles": "劳动合同法 第19条"})
    assert response.status_code == 422 and "已废止" in response.text


def test_a_cards_premise_is_edited_kept_and_checked(admin_env):
    client, _ = admin_login(admin_env.app)
    csrf = page_csrf(client, "/admin/faq/new")
    assert "还没到退休年龄的职工" in client.get("/admin/faq/new").text  # offered in words, not as a code
    card = {
        "csrf": csrf,
        "id": "older-worker-staff",
        "intent": "labor_contract",
        "is_new": "true",
        "question": "没到退休年龄，单位能只签劳务协议吗",
        "variants": "五十多岁单位只给签劳务协议\n年纪大了不给签劳动合同\n没到退休年龄签劳务合同行吗",
        "answer": "不能。没到退休年龄的职工为单位干活、受单位管理的，单位应当签劳动合同。",
        "articles": "劳动合同法 第10条",
    }
    wrong = client.post("/admin/faq/save", data={**card, "premise": "elderly"})
    assert wrong.status_code == 422 and "适用的人群" in wrong.text
    saved = client.post("/admin/faq/save", data={**card, "premise": "below_retirement_age"}, follow_redirects=False)
    assert saved.status_code == 303
    staff_file = admin_env.settings.kb_staff_dir / "faq" / "older-worker-staff.yml"
    assert "premise: below_retirement_age" in staff_file.read_text(encoding="utf-8")
    page = client.get("/admin/faq/edit", params={"id": "older-worker-staff"}).text
    assert '<option value="below_retirement_age" selected>' in page  # a later save keeps it


def test_the_card_list_searches_and_shows_cards_never_used(admin_env):
    app = admin_env.app
    client, _ = admin_login(app)
    with app.state.sessions() as db:
        from api.conversation.models import ConversationMessage

        db.add(
            ConversationMessage(
                channel="web",
                user_id="w1",
                direction="in",
                author="worker",
                text="十级伤残赔多少",
                payload={"topic": "work_injury", "cards": ["injury-lump-sum-by-grade"]},
            )
        )
        db.commit()
    found = client.get("/admin/faq", params={"q": "伤残补助金"}).text
    assert "injury-lump-sum-by-grade" in found and "dismissal-severance-calc" not in found
    assert 'class="num">1</td>' in found  # answered once
    never = client.get("/admin/faq", params={"never_hit": "true", "intent": "work_injury"}).text
    assert "injury-lump-sum-by-grade" not in never and "injury-commute-accident" in never


@pytest.mark.slow
def test_a_killed_build_leaves_the_old_version_answering(admin_env):
    app = admin_env.app
    client, _ = admin_login(app)
    before = app.state.kb.version
    job_id = start_build(client, full=True)  # re-embeds every chunk: long enough to be caught mid-way
    job = wait_for_job(client, job_id, 120, until=lambda j: j["state"] != "running" or j["stage"].startswith("向量化"))
    assert job["state"] == "running" and job["pid"]
    os.kill(job["pid"], signal.SIGKILL)
    job = wait_for_job(client, job_id, 30)
    assert job["state"] == "failed" and "SIGKILL" in job["message"] and before in job["message"]
    assert app.state.kb.version == before
    assert app.state.kb.answer("单位拖欠工资三个月不发怎么办", "wage_arrears", [], 0.9).citations
    assert "失败" in client.get("/admin/index").text and "索引重建失败" in client.get("/admin/audit").text
    response = client.post("/admin/index/rollback", data={"csrf": page_csrf(client, "/admin/index")})
    assert "没有可以回滚的旧版本" in response.text


def test_every_unanswered_question_is_listed_and_insights_aggregate(admin_env, fake_rasa):
    app = admin_env.app
    phone = "13912345678"
    misses = [
        "公司让我签竞业限制协议但一分钱补偿都没有那个协议后来",
        "公司让我签竞业限制协议，没有补偿可以吗那个",
        f"单位要求签竞业限制协议却没有补偿，我电话{phone}那个",
    ]
    from api.conversation.models import UnansweredQuestion

    with app.state.sessions() as db:
        for i, text in enumerate(misses):
            db.add(
                UnansweredQuestion(
                    channel="web",
                    user_id=f"u{i}",
                    text=text,
                    topic="labor_contract",
                    reason="low_confidence",
                    candidates=["contract-non-compete"],
                )
            )
        db.add(
            UnansweredQuestion(
                channel="web",
                user_id="u9",
                text="外卖平台扣我的配送费怎么算",
                topic="gig_platform",
                reason="not_helpful",
                candidates=[],
            )
        )
        db.commit()
    seed_history(app.state.sessions)
    client, _ = admin_login(app)
    page = client.get("/admin/unanswered").text
    assert "劳动合同" in page and page.count('class="cluster"') == 2  # three paraphrases, one other question
    assert phone not in page and "外卖平台扣我的配送费" in page and "职工认为回答没有帮助" in page
    assert "据此新建答案卡片" in page and "intent=labor_contract" in page

    insights = client.get("/admin/insights").text
    assert "<svg" in insights and "海淀区" in insights and "工资拖欠" in insights
    assert "inform" not in insights and "greet" not in insights  # only topics are topics
    csv = client.get("/admin/insights.csv")
    assert csv.headers["content-type"].startswith("text/csv") and phone not in csv.text
