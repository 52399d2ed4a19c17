"""Console pages. Every state-changing request is a POST form carrying the session's CSRF token."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Depends, Form, HTTPException, Query, Request, status
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from api.cases.models import PRIORITIES
from api.cases.service import (
    OUTCOMES,
    CaseError,
    CaseForbidden,
    CaseNotFound,
    CaseService,
    may_see_full_text,
)
from api.cases.sla import sla_badge
from api.console import present
from api.console.session import CONSOLE
from api.users.models import Role, User
from api.web.login import LoginRefusal, check_login, signed_in
from api.web.session import WebSession, new_token, tokens_match
from knowledge_base.answer import book_title
from nlu.language import mask_pii

router = APIRouter(prefix="/console", include_in_schema=False)
templates = Jinja2Templates(directory=Path(__file__).resolve().parents[1] / "templates")
templates.env.globals.update(
    STATUS_LABELS=present.STATUS_LABELS,
    STATUS_FILTERS=present.STATUS_FILTERS,
    PRIORITIES=PRIORITIES,
    PRIORITY_LABELS=present.PRIORITY_LABELS,
    AUTHOR_LABELS=present.AUTHOR_LABELS,
    AUDIT_LABELS=present.AUDIT_LABELS,
    OUTCOMES=OUTCOMES,
)
templates.env.filters.update(
    beijing=present.beijing_time,
    reason=present.reason_label,
    topic=present.topic_label,
    channel=present.channel_label,
    book=book_title,
    fact_label=present.fact_label,
)
templates.env.globals.update(fact_value=present.fact_value)

DONE_MESSAGES = {
    "claim": "已认领，您现在负责该案件。",
    "release": "已释放，案件回到待认领队列。",
    "transfer": "已转交。",
    "reply": "回复已发送给职工。",
    "reply_stored": "回复已保存，职工下次打开对话时即可看到。",
    "note": "已添加内部备注。",
    "close": "已结案，职工已回到智能助手并收到评价邀请。",
}
CONSOLE_ROLES = (Role.lawyer, Role.admin)


@dataclass
class Viewer:
    user: User
    session: WebSession


def current_viewer(request: Request) -> Viewer:
    return Viewer(*signed_in(request, CONSOLE, CONSOLE_ROLES, "当前账号无权访问律师工作台"))


ViewerDep = Annotated[Viewer, Depends(current_viewer)]


def checked_viewer(viewer: ViewerDep, csrf: Annotated[str, Form()] = "") -> Viewer:
    if not tokens_match(viewer.session.csrf, csrf):
        raise HTTPException(status.HTTP_403_FORBIDDEN, detail="页面已过期，请刷新后重试")
    return viewer


FormViewerDep = Annotated[Viewer, Depends(checked_viewer)]


def get_cases(request: Request) -> CaseService:
    return request.app.state.cases


CasesDep = Annotated[CaseService, Depends(get_cases)]
StatusQuery = Annotated[str, Query(alias="status")]


# --- login ------------------------------------------------------------------------------------------------


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request) -> Response:
    return _login_form(request, error=None, status_code=200)


@router.post("/login", response_class=HTMLResponse)
def login(
    request: Request,
    username: Annotated[str, Form(max_length=64)],
    password: Annotated[str, Form(max_length=256)],
    csrf: Annotated[str, Form()] = "",
) -> Response:
    user = check_login(request, CONSOLE, username, password, csrf, CONSOLE_ROLES, "该账号无权使用律师工作台。")
    if isinstance(user, LoginRefusal):
        return _login_form(request, user.message, user.status_code)
    response = RedirectResponse("/console", status.HTTP_303_SEE_OTHER)
    CONSOLE.start(request, response, user.id)
    CONSOLE.forget_login_csrf(response)
    return response


@router.post("/logout")
def logout(request: Request, viewer: FormViewerDep) -> Response:
    response = RedirectResponse("/console/login", status.HTTP_303_SEE_OTHER)
    CONSOLE.end(request, response)
    return response


def _login_form(request: Request, error: str | None, status_code: int) -> Response:
    token = new_token()
    response = templates.TemplateResponse(
        request, "console/login.html", {"error": error, "csrf": token}, status_code=status_code
    )
    CONSOLE.remember_login_csrf(request, response, token)
    return response


# --- queue ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class QueueFilters:
    """The queue's filter form; the page and its live-refreshed rows read the same query."""

    status_filter: StatusQuery = "active"
    priority: str = ""
    topic: str = ""
    mine: bool = False


FiltersDep = Annotated[QueueFilters, Depends()]


@router.get("", response_class=HTMLResponse)
def queue_page(request: Request, viewer: ViewerDep, cases: CasesDep, filters: FiltersDep) -> Response:
    return templates.TemplateResponse(request, "console/queue.html", _queue_context(viewer, cases, filters))


@router.get("/queue/rows", response_class=HTMLResponse)
def queue_rows(request: Request, viewer: ViewerDep, cases: CasesDep, filters: FiltersDep) -> Response:
    return templates.TemplateResponse(request, "console/_queue_rows.html", _queue_context(viewer, cases, filters))


def _queue_context(viewer: Viewer, cases: CaseService, filters: QueueFilters) -> dict:
    now = datetime.now(timezone.utc)
    found = cases.queue(filters.status_filter, filters.priority, filters.topic, viewer.user if filters.mine else None)
    rows = [
        {
            "case": c,
            "sla": sla_badge(c, now),
            "waited": present.waited(c.opened_at, now),
            "summary": mask_pii(c.summary or c.description),
            "phone": mask_pii(c.phone),
        }
        for c in found
    ]
    return {"viewer": viewer, "rows": rows, "filters": asdict(filters), "topics": cases.topics()}


# --- one case ---------------------------------------------------------------------------------------------


@router.get("/cases/{case_id}", response_class=HTMLResponse)
def case_page(request: Request, case_id: int, viewer: ViewerDep, cases: CasesDep, done: str = "") -> Response:
    return _case_response(request, cases, case_id, viewer, notice=DONE_MESSAGES.get(done))


@router.get("/cases/{case_id}/transcript", response_class=HTMLResponse)
def case_transcript(request: Request, case_id: int, viewer: ViewerDep, cases: CasesDep) -> Response:
    context = _case_context(cases, case_id, viewer, audit_view=False)
    return templates.TemplateResponse(request, "console/_transcript.html", context)


def _case_context(cases: CaseService, case_id: int, viewer: Viewer, audit_view: bool = True) -> dict:
    try:
        detail = cases.detail(case_id, viewer.user if audit_view else None)
    except CaseNotFound:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail="案件不存在") from None
    full = may_see_full_text(detail.case, viewer.user)
    shown = (lambda text: text or "") if full else (lambda text: mask_pii(text or ""))
    now = datetime.now(timezone.utc)
    return {
        "viewer": viewer,
        "d": detail,
        "c": detail.case,
        "full": full,
        "shown": shown,
        "sla": sla_badge(detail.case, now),
        "waited": present.waited(detail.case.opened_at, now),
        "lawyers": [u for u in cases.lawyers() if u.id != detail.case.claimed_by_id],
    }


def _case_response(
    request: Request,
    cases: CaseService,
    case_id: int,
    viewer: Viewer,
    notice: str | None = None,
    error: str | None = None,
    status_code: int = 200,
) -> Response:
    context = _case_context(cases, case_id, viewer)
    context.update(notice=notice, error=error)
    return templates.TemplateResponse(request, "console/case.html", context, status_code=status_code)


async def _act(request: Request, cases: CaseService, case_id: int, viewer: Viewer, action, done: str) -> Response:
    """Run one case action; success redirects (so a reload does not repeat it), a refusal re-renders."""
    try:
        outcome = await action()
    except CaseError as refusal:
        code = (
            status.HTTP_404_NOT_FOUND
            if isinstance(refusal, CaseNotFound)
            else status.HTTP_403_FORBIDDEN
            if isinstance(refusal, CaseForbidden)
            else status.HTTP_409_CONFLICT
        )
        return await run_in_threadpool(_case_response, request, cases, case_id, viewer, None, str(refusal), code)
    if outcome is False and done == "reply":
        done = "reply_stored"
    return RedirectResponse(f"/console/cases/{case_id}?done={done}", status.HTTP_303_SEE_OTHER)


@router.post("/cases/{case_id}/claim")
async def claim(request: Request, case_id: int, viewer: FormViewerDep, cases: CasesDep) -> Response:
    return await _act(
        request, cases, case_id, viewer, lambda: run_in_threadpool(cases.claim, case_id, viewer.user), "claim"
    )


@router.post("/cases/{case_id}/release")
async def release(request: Request, case_id: int, viewer: FormViewerDep, cases: CasesDep) -> Response:
    return await _act(
        request,
        cases,
        case_id,
        viewer,
        lambda: run_in_threadpool(cases.release, case_id, viewer.user),
        "release",
    )


@router.post("/cases/{case_id}/transfer")
async def transfer(
    request: Request, case_id: int, viewer: FormViewerDep, cases: CasesDep, to_user_id: Annotated[int, Form()]
) -> Response:
    return await _act(
        request,
        cases,
        case_id,
        viewer,
        lambda: run_in_threadpool(cases.transfer, case_id, viewer.user, to_user_id),
        "transfer",
    )


@router.post("/cases/{case_id}/reply")
async def reply(
    request: Request,
    case_id: int,
    viewer: FormViewerDep,
    cases: CasesDep,
    text: Annotated[str, Form(max_length=4000)],
) -> Response:
    return await _act(request, cases, case_id, viewer, lambda: cases.reply(case_id, viewer.user, text), "reply")


@router.post("/cases/{case_id}/notes")
async def add_note(
    request: Request,
    case_id: int,
    viewer: FormViewerDep,
    cases: CasesDep,
    text: Annotated[str, Form(max_length=4000)],
) -> Response:
    return await _act(
        request,
        cases,
        case_id,
        viewer,
        lambda: run_in_threadpool(cases.add_note, case_id, viewer.user, text),
        "note",
    )


@router.post("/cases/{case_id}/close")
async def close(
    request: Request,
    case_id: int,
    viewer: FormViewerDep,
    cases: CasesDep,
    outcome: Annotated[str, Form()],
    note: Annotated[str, Form(max_length=4000)] = "",
) -> Response:
    return await _act(
        request, cases, case_id, viewer, lambda: cases.close(case_id, viewer.user, outcome, note), "close"
    )


# --- statute text ------------------------------------------------------------------------------------------


@router.get("/articles/{law}/{article}", response_class=HTMLResponse)
def article_page(request: Request, law: str, article: int, viewer: ViewerDep) -> Response:
    kb = request.app.state.kb
    if kb is None or not kb.ready:
        raise HTTPException(status.HTTP_503_SERVICE_UNAVAILABLE, detail="知识库索引尚未就绪，请稍后再试")
    chunk = kb._require().article(law, article)  # KnowledgeBase has no public article lookup yet
    if chunk is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail="未找到该条文")
    return templates.TemplateResponse(
        request, "console/article.html", {"viewer": viewer, "law": law, "article": article, "chunk": chunk}
    )
