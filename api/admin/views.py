"""/admin pages for policy staff. State changes are POST forms (or fetch with X-CSRF-Token) carrying the
session's CSRF token; every change is written to the audit trail."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Depends, File, Form, Header, HTTPException, Query, Request, UploadFile, status
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from api.admin import audit, charts, insights, unanswered
from api.admin.convert import ConversionError, convert_upload
from api.admin.faq import CARD_INTENTS, CardForm, card_hits, matches, parse_card
from api.admin.isolated import run_isolated
from api.admin.jobs import IndexJobs, JobRefused
from api.admin.store import (
    CORPUS,
    DOC_TYPE_LABELS,
    FAQ,
    KIND_LABELS,
    POLICY,
    STATUS_LABELS,
    KnowledgeStore,
    StoreError,
)
from api.admin.topics import UNCLASSIFIED
from api.console import present
from api.core.deps import get_kb
from api.routers.ask import answer_preview
from api.users.models import Role, User
from api.web.login import LoginRefusal, check_login, signed_in
from api.web.session import SessionArea, WebSession, new_token, tokens_match
from knowledge_base.answer import book_title
from knowledge_base.cards import CALCULATORS, PREMISES
from knowledge_base.cards import FACTS as FACT_RULES
from phrasebook import say

ADMIN = SessionArea(
    path="/admin", cookie="laborbot_admin", login_cookie="laborbot_admin_login", salt="laborbot-admin-session"
)
ADMIN_ROLES = (Role.staff, Role.admin)
DENIED = "当前账号无权使用知识库管理后台。"

router = APIRouter(prefix="/admin", include_in_schema=False)
templates = Jinja2Templates(directory=Path(__file__).resolve().parents[1] / "templates")


def label(code: str) -> str:
    """Chinese name of a topic, escalation reason or the 'unclassified'/'other' buckets."""
    if code == UNCLASSIFIED:
        return "未分类"
    if code == "other":
        return "其他"
    if code in present.TOPIC_LABELS:
        return present.TOPIC_LABELS[code]
    return present.reason_label(code)


templates.env.globals.update(
    KIND_LABELS=KIND_LABELS,
    DOC_TYPE_LABELS=DOC_TYPE_LABELS,
    STATUS_LABELS=STATUS_LABELS,
    ACTION_LABELS=audit.ACTION_LABELS,
    CARD_INTENTS=CARD_INTENTS,
    CALCULATORS=CALCULATORS,
    FACTS=FACT_RULES,
    PREMISES=PREMISES,
)
FACT_RULE_LABELS = {
    "disability_grade": "伤残等级对应的补助金",
    "severance": "经济补偿N",
    "illegal_dismissal": "违法解除赔偿金2N",
    "double_wage": "未签合同二倍工资",
    "annual_leave": "年休假天数",
    "maternity_leave": "产假天数",
    "probation": "试用期上限",
    "unemployment_benefit": "失业金领取期限",
    "death_benefit": "工亡待遇",
    "arbitration_deadline": "仲裁时效截止日",
    "overtime_pay": "加班费",
    "retirement_age": "法定退休年龄（问几岁退休）",
    "retirement_age_check": "法定退休年龄（核对是否已到龄）",
    "pension_minimum_years": "到龄那年的养老金最低缴费年限",
}
PREMISE_LABELS = {
    "below_retirement_age": "还没到退休年龄的职工",
    "past_retirement_age": "已到或超过退休年龄的人",
}
templates.env.filters.update(
    beijing=present.beijing_time,
    label=label,
    book=book_title,
    calculator=lambda key: say(f"calculators.{key}"),
    fact_rule=lambda key: FACT_RULE_LABELS.get(key, key),
    premise=lambda key: PREMISE_LABELS.get(key, key),
)

DONE_MESSAGES = {
    "upload": "文档已上传。重建索引后机器人才会使用它。",
    "meta": "文档信息已保存。重建索引后生效。",
    "retire": "已停用。重建索引后不再被引用。",
    "restore": "已恢复。重建索引后重新生效。",
    "replace": "正文已更新。重建索引后生效。",
    "card": "答案卡片已保存。重建索引后生效。",
    "rollback": "已回滚到所选版本，机器人已在使用它。",
}


@dataclass
class Viewer:
    user: User
    session: WebSession


def current_viewer(request: Request) -> Viewer:
    return Viewer(*signed_in(request, ADMIN, ADMIN_ROLES, DENIED))


ViewerDep = Annotated[Viewer, Depends(current_viewer)]


def checked_viewer(viewer: ViewerDep, csrf: Annotated[str, Form()] = "") -> Viewer:
    if not tokens_match(viewer.session.csrf, csrf):
        raise HTTPException(status.HTTP_403_FORBIDDEN, detail="页面已过期，请刷新后重试")
    return viewer


def header_viewer(viewer: ViewerDep, x_csrf_token: Annotated[str, Header()] = "") -> Viewer:
    if not tokens_match(viewer.session.csrf, x_csrf_token):
        raise HTTPException(status.HTTP_403_FORBIDDEN, detail="页面已过期，请刷新后重试")
    return viewer


FormViewerDep = Annotated[Viewer, Depends(checked_viewer)]
FetchViewerDep = Annotated[Viewer, Depends(header_viewer)]


def get_store(request: Request) -> KnowledgeStore:
    return request.app.state.admin_store


def get_jobs(request: Request) -> IndexJobs:
    return request.app.state.index_jobs


StoreDep = Annotated[KnowledgeStore, Depends(get_store)]
JobsDep = Annotated[IndexJobs, Depends(get_jobs)]


def page(request: Request, name: str, viewer: Viewer | None, status_code: int = 200, **context) -> Response:
    return templates.TemplateResponse(request, f"admin/{name}", {"viewer": viewer, **context}, status_code=status_code)


def done(url: str, what: str) -> Response:
    return RedirectResponse(f"{url}{'&' if '?' in url else '?'}done={what}", status.HTTP_303_SEE_OTHER)


# --- login ------------------------------------------------------------------------------------------------


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request) -> Response:
    return _login_form(request, None, 200)


@router.post("/login", response_class=HTMLResponse)
def login(
    request: Request,
    username: Annotated[str, Form(max_length=64)],
    password: Annotated[str, Form(max_length=256)],
    csrf: Annotated[str, Form()] = "",
) -> Response:
    user = check_login(request, ADMIN, username, password, csrf, ADMIN_ROLES, "该账号无权使用知识库管理后台。")
    if isinstance(user, LoginRefusal):
        return _login_form(request, user.message, user.status_code)
    response = RedirectResponse("/admin", status.HTTP_303_SEE_OTHER)
    ADMIN.start(request, response, user.id)
    ADMIN.forget_login_csrf(response)
    return response


@router.post("/logout")
def logout(request: Request, viewer: FormViewerDep) -> Response:
    response = RedirectResponse("/admin/login", status.HTTP_303_SEE_OTHER)
    ADMIN.end(request, response)
    return response


def _login_form(request: Request, error: str | None, status_code: int) -> Response:
    token = new_token()
    response = page(request, "login.html", None, status_code, error=error, csrf=token)
    ADMIN.remember_login_csrf(request, response, token)
    return response


@router.get("")
def home(viewer: ViewerDep) -> Response:
    return RedirectResponse("/admin/documents", status.HTTP_303_SEE_OTHER)


# --- documents --------------------------------------------------------------------------------------------


@router.get("/documents", response_class=HTMLResponse)
def documents_page(
    request: Request, viewer: ViewerDep, store: StoreDep, kind: str = "", done: str = "", error: str = ""
) -> Response:
    rows = [r for r in store.documents() if not kind or r.kind == kind]
    return page(
        request,
        "documents.html",
        viewer,
        rows=rows,
        kind=kind,
        notice=DONE_MESSAGES.get(done),
        error=error or None,
        max_kb=request.app.state.settings.max_body_bytes // 1024,
    )


def policy_meta_form(
    title: Annotated[str, Form(max_length=300)] = "",
    short_title: Annotated[str, Form(max_length=200)] = "",
    effective_date: Annotated[str, Form(max_length=10)] = "",
    review_date: Annotated[str, Form(max_length=10)] = "",
    source: Annotated[str, Form(max_length=2000)] = "",
) -> dict:
    """The metadata fields the upload and the edit form of a policy document share, trimmed."""
    return {
        "title": title.strip(),
        "short_title": short_title.strip(),
        "effective_date": effective_date.strip(),
        "review_date": review_date.strip(),
        "source": source.strip(),
    }


PolicyMetaDep = Annotated[dict, Depends(policy_meta_form)]


@router.post("/documents/upload", response_class=HTMLResponse)
async def upload(
    request: Request,
    viewer: FormViewerDep,
    store: StoreDep,
    file: Annotated[UploadFile, File()],
    meta: PolicyMetaDep,
) -> Response:
    data = await file.read()
    try:
        converted = await run_in_threadpool(
            run_isolated,
            convert_upload,
            file.filename or "",
            data,
            meta,
        )
        key = await run_in_threadpool(store.upload_policy, viewer.user, converted)
    except (ConversionError, StoreError) as refusal:
        rows = await run_in_threadpool(store.documents)
        return page(
            request,
            "documents.html",
            viewer,
            status.HTTP_422_UNPROCESSABLE_CONTENT,
            rows=rows,
            kind="",
            notice=None,
            error=f"上传失败：{refusal}",
            max_kb=request.app.state.settings.max_body_bytes // 1024,
        )
    return done(f"/admin/documents/item?kind={POLICY}&key={key}", "upload")


@router.get("/documents/item", response_class=HTMLResponse)
def document_page(
    request: Request,
    viewer: ViewerDep,
    store: StoreDep,
    kind: str,
    key: str,
    done: str = "",
    error: str = "",
    status_code: int = 200,
) -> Response:
    row = next(
        (
            r
            for r in (store.documents() if kind != FAQ else [r for _, r in store.cards()])
            if r.key == key and r.kind == kind
        ),
        None,
    )
    if row is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail="找不到该文档")
    text = store.current_text(kind, key) or ""
    meta = {}
    if kind == POLICY:
        from knowledge_base.corpus import split_front_matter

        meta = split_front_matter(text)[0]
    return page(
        request,
        "document.html",
        viewer,
        status_code,
        row=row,
        text=text,
        meta=meta,
        history=store.history(kind, key),
        notice=DONE_MESSAGES.get(done),
        error=error or None,
    )


@router.post("/documents/meta", response_class=HTMLResponse)
def edit_meta(
    request: Request,
    viewer: FormViewerDep,
    store: StoreDep,
    key: Annotated[str, Form()],
    meta: PolicyMetaDep,
) -> Response:
    try:
        store.editpolicy_meta(viewer.user, key, meta)
    except StoreError as refusal:
        return document_page(request, viewer, store, POLICY, key, error=str(refusal), status_code=422)
    return done(f"/admin/documents/item?kind={POLICY}&key={key}", "meta")


@router.post("/documents/replace", response_class=HTMLResponse)
async def replace(
    request: Request,
    viewer: FormViewerDep,
    store: StoreDep,
    key: Annotated[str, Form()],
    file: Annotated[UploadFile, File()],
) -> Response:
    data = await file.read()
    try:
        meta = (await run_in_threadpool(store.policy_meta, key))[0]
        keep = {k: str(meta.get(k) or "") for k in ("title", "short_title", "effective_date", "review_date", "source")}
        converted = await run_in_threadpool(run_isolated, convert_upload, file.filename or "", data, keep)
        await run_in_threadpool(store.replace_policy, viewer.user, key, converted)
    except (ConversionError, StoreError) as refusal:
        return await run_in_threadpool(
            document_page, request, viewer, store, POLICY, key, "", f"替换失败：{refusal}", 422
        )
    return done(f"/admin/documents/item?kind={POLICY}&key={key}", "replace")


@router.post("/documents/status", response_class=HTMLResponse)
def set_status(
    request: Request,
    viewer: FormViewerDep,
    store: StoreDep,
    kind: Annotated[str, Form()],
    key: Annotated[str, Form()],
    action: Annotated[str, Form()],
) -> Response:
    if action not in ("retire", "restore") or kind not in (POLICY, CORPUS, FAQ):
        raise HTTPException(status.HTTP_400_BAD_REQUEST, detail="无效的操作")
    try:
        store.set_status(viewer.user, kind, key, retire=action == "retire")
    except StoreError as refusal:
        return document_page(request, viewer, store, kind, key, error=str(refusal), status_code=409)
    if kind == FAQ:
        return done(f"/admin/faq/edit?id={key}", action)
    return done(f"/admin/documents/item?kind={kind}&key={key}", action)


@router.get("/documents/diff", response_class=HTMLResponse)
def diff_page(
    request: Request, viewer: ViewerDep, store: StoreDep, kind: str, key: str, old: int, new: int
) -> Response:
    try:
        table = store.diff_html(kind, key, old, new)
    except StoreError as refusal:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=str(refusal)) from None
    return page(
        request,
        "diff.html",
        viewer,
        kind=kind,
        key=key,
        old=old,
        new=new,
        table=table,
        title=store.history(kind, key).item.title,
    )


# --- FAQ cards --------------------------------------------------------------------------------------------


@router.get("/faq", response_class=HTMLResponse)
def faq_page(
    request: Request,
    viewer: ViewerDep,
    store: StoreDep,
    q: Annotated[str, Query(max_length=100)] = "",
    intent: str = "",
    never_hit: bool = False,
    days: Annotated[int, Query(ge=1, le=366)] = 90,
) -> Response:
    """The card bank: search, filter by topic, and how often each card answered workers (never-hit cards)."""
    with request.app.state.sessions() as db:
        hits = card_hits(db, days)
    bank = store.cards()
    cards = [
        (card, row, hits.get(card["id"], 0))
        for card, row in bank
        if matches(card, q)
        and (not intent or card.get("intent") == intent)
        and (not never_hit or not hits.get(card["id"]))
    ]
    return page(
        request,
        "faq.html",
        viewer,
        cards=cards,
        q=q,
        intent=intent,
        never_hit=never_hit,
        days=days,
        total=len(bank),
    )


@router.get("/faq/new", response_class=HTMLResponse)
def faq_new(
    request: Request, viewer: ViewerDep, question: Annotated[list[str], Query()] = (), intent: str = ""
) -> Response:
    """Empty editor, or pre-filled from the unanswered questions page (first question canonical, rest variants)."""
    form = CardForm(
        intent=intent if intent in CARD_INTENTS else "",
        question=question[0] if question else "",
        variants="\n".join(question[1:]),
    )
    return page(request, "faq_edit.html", viewer, form=form, is_new=True, card=None, notice=None)


@router.get("/faq/edit", response_class=HTMLResponse)
def faq_edit(request: Request, viewer: ViewerDep, store: StoreDep, id: str, done: str = "") -> Response:
    card = store.card(id)
    if card is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail="找不到该答案卡片")
    return page(
        request,
        "faq_edit.html",
        viewer,
        form=CardForm.from_card(card),
        is_new=False,
        card=card,
        notice=DONE_MESSAGES.get(done),
        history=store.history(FAQ, id),
    )


@router.post("/faq/save", response_class=HTMLResponse)
def faq_save(
    request: Request,
    viewer: FormViewerDep,
    store: StoreDep,
    id: Annotated[str, Form(max_length=80)],
    intent: Annotated[str, Form(max_length=40)] = "",
    question: Annotated[str, Form(max_length=300)] = "",
    variants: Annotated[str, Form(max_length=6000)] = "",
    answer: Annotated[str, Form(max_length=1000)] = "",
    details: Annotated[str, Form(max_length=1000)] = "",
    steps: Annotated[str, Form(max_length=1000)] = "",
    articles: Annotated[str, Form(max_length=2000)] = "",
    related: Annotated[str, Form(max_length=1000)] = "",
    calculator: Annotated[str, Form(max_length=40)] = "",
    facts: Annotated[str, Form(max_length=40)] = "",
    premise: Annotated[str, Form(max_length=40)] = "",
    is_new: Annotated[bool, Form()] = False,
) -> Response:
    form = CardForm(
        id=id.strip(),
        intent=intent,
        question=question,
        variants=variants,
        answer=answer,
        details=details,
        steps=steps,
        articles=articles,
        related=related,
        calculator=calculator,
        facts=facts,
        premise=premise,
    )
    settings = request.app.state.settings
    card = parse_card(form, request.app.state.kb, settings.kb_staff_dir, store.card_ids())
    if card is not None and is_new and store.card(card["id"]) is not None:
        form.errors.append(f"编号“{card['id']}”已被其他卡片使用，请换一个编号。")
    if card is not None and not form.errors:
        existing = store.card(card["id"])
        if existing is not None and existing.get("status"):
            card["status"] = existing["status"]
        try:
            store.save_card(viewer.user, card)
            return done(f"/admin/faq/edit?id={card['id']}", "card")
        except StoreError as refusal:
            form.errors.append(str(refusal))
    return page(
        request,
        "faq_edit.html",
        viewer,
        status.HTTP_422_UNPROCESSABLE_CONTENT,
        form=form,
        is_new=is_new,
        card=store.card(form.id) if not is_new else None,
        notice=None,
    )


# --- index builds -----------------------------------------------------------------------------------------


@router.get("/index", response_class=HTMLResponse)
def index_page(
    request: Request, viewer: ViewerDep, jobs: JobsDep, job: int = 0, done: str = "", error: str = ""
) -> Response:
    kb = request.app.state.kb
    shown = (jobs.get(job) if job else None) or jobs.running()
    return page(
        request,
        "index.html",
        viewer,
        versions=jobs.versions(),
        job=shown,
        serving=kb.version if kb is not None and kb.ready else None,
        notice=DONE_MESSAGES.get(done),
        error=error or None,
        recent=jobs.recent(),
    )


@router.post("/index/build")
async def start_build(
    request: Request, viewer: FormViewerDep, jobs: JobsDep, full: Annotated[bool, Form()] = False
) -> Response:
    try:
        job_id, process = await run_in_threadpool(jobs.start, viewer.user, full)
    except JobRefused as refusal:
        return RedirectResponse(f"/admin/index?error={refusal}", status.HTTP_303_SEE_OTHER)
    watchers = request.app.state.background  # kept referenced until done, so the watcher is not collected
    watcher = asyncio.create_task(jobs.watch(job_id, process))
    watchers.add(watcher)
    watcher.add_done_callback(watchers.discard)
    return RedirectResponse(f"/admin/index?job={job_id}", status.HTTP_303_SEE_OTHER)


@router.get("/index/jobs/{job_id}")
def job_status(job_id: int, viewer: ViewerDep, jobs: JobsDep) -> JSONResponse:
    job = jobs.get(job_id)
    if job is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail="没有这个任务")
    return JSONResponse(job)


@router.post("/index/rollback")
async def rollback(viewer: FormViewerDep, jobs: JobsDep, version: Annotated[str, Form()] = "") -> Response:
    try:
        await jobs.rollback(viewer.user, version or None)
    except JobRefused as refusal:
        return RedirectResponse(f"/admin/index?error={refusal}", status.HTTP_303_SEE_OTHER)
    return done("/admin/index", "rollback")


# --- preview ----------------------------------------------------------------------------------------------


@router.get("/preview", response_class=HTMLResponse)
def preview_page(request: Request, viewer: ViewerDep, q: str = "") -> Response:
    kb = request.app.state.kb
    return page(request, "preview.html", viewer, q=q, serving=kb.version if kb is not None and kb.ready else None)


@router.post("/preview")
async def preview(request: Request, viewer: FetchViewerDep) -> JSONResponse:
    """Exactly what POST /api/v1/ask answers (the same function): NLU, knowledge base, triage; stores nothing."""
    try:
        body = await request.json()
    except ValueError:
        body = None
    text = body.get("text", "") if isinstance(body, dict) else ""
    reply = await answer_preview(
        text if isinstance(text, str) else "",
        request.app.state.rasa,
        get_kb(request),
        request.app.state.settings.max_message_chars,
    )
    return JSONResponse(reply.model_dump())


# --- unanswered questions, insights, audit --------------------------------------------------------------


@router.get("/unanswered", response_class=HTMLResponse)
async def unanswered_page(request: Request, viewer: ViewerDep, days: int = 90) -> Response:
    sessions = request.app.state.sessions

    def load():
        with sessions() as db:
            return unanswered.group(unanswered.collect(db, days))

    groups = await run_in_threadpool(load)
    return page(request, "unanswered.html", viewer, groups=groups, days=days, total=sum(g.count for g in groups))


@router.get("/insights", response_class=HTMLResponse)
async def insights_page(request: Request, viewer: ViewerDep, days: int = 30) -> Response:
    ins = await _insights(request, days)
    svg = {
        "daily": charts.stacked_days(ins.days, {label(t): v for t, v in ins.per_day.items()}, title="每日咨询量"),
        "reasons": charts.bars([(label(r), n) for r, n in ins.reasons], title="转人工原因"),
        "answer_scores": charts.bars([(f"{i + 1}分", n) for i, n in enumerate(ins.scores["answer"])], title="回答评价"),
        "case_scores": charts.bars([(f"{i + 1}分", n) for i, n in enumerate(ins.scores["case"])], title="律师服务评价"),
        "districts": charts.bars(ins.districts, title="区县"),
        "industries": charts.bars(ins.industries, title="行业"),
        "topics": charts.bars([(label(t), n) for t, n in ins.topic_totals], title="主题"),
    }
    return page(request, "insights.html", viewer, ins=ins, svg=svg, days=days)


@router.get("/insights.csv")
async def insights_csv(request: Request, viewer: ViewerDep, days: int = 30) -> Response:
    ins = await _insights(request, days)
    return Response(
        insights.to_csv(ins, label),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="laborbot-insights-{days}d.csv"'},
    )


async def _insights(request: Request, days: int) -> insights.Insights:
    days = max(1, min(days, 366))
    sessions = request.app.state.sessions

    def load():
        with sessions() as db:
            return insights.compute(db, days)

    return await run_in_threadpool(load)


@router.get("/audit", response_class=HTMLResponse)
def audit_page(request: Request, viewer: ViewerDep) -> Response:
    with request.app.state.sessions() as db:
        entries = audit.recent(db)
    return page(request, "audit.html", viewer, entries=entries)
