"""What lawyers (and the bot) do to cases. State changes are single conditional UPDATEs, so two lawyers
acting at once can never both win: of many concurrent claims exactly one sees rowcount == 1.

Rules: any lawyer or admin may claim an open case and add internal notes; only the holder (or an admin)
may release, transfer, reply to or close it.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from api.cases.models import (
    ACTIVE_STATUSES,
    PRIORITIES,
    Case,
    CaseAssignment,
    CaseAuditEntry,
    CaseNote,
    CaseStatus,
    CaseStatusChange,
)
from api.cases.queries import attach_recent_messages, refresh_summary, transcript
from api.conversation.models import ConversationMessage, utcnow
from api.conversation.outgoing import Deliver, Outgoing
from api.users.models import Role, User
from phrasebook import say

OUTCOMES = {
    "answered": "已解答",
    "withdrawn": "职工撤回求助",
    "mediated": "已协调解决",
    "arbitration": "引导申请劳动仲裁",
    "legal_aid": "转法律援助",
    "no_response": "职工未再回复",
    "duplicate": "重复案件",
    "other": "其他",
}
SCORE_BUTTONS = [{"title": f"{n} 分", "payload": str(n)} for n in (5, 4, 3, 2, 1)]


class CaseError(Exception):
    """Carries a Chinese message for the lawyer."""


class CaseNotFound(CaseError):
    pass


class CaseConflict(CaseError):
    pass


class CaseForbidden(CaseError):
    pass


@dataclass
class CaseDetail:
    case: Case
    messages: list[ConversationMessage]
    notes: list[CaseNote]
    history: list[CaseStatusChange]
    assignments: list[CaseAssignment]
    audit: list[CaseAuditEntry]
    users: dict[int, User]  # everyone named above, by id


def split_sender(sender_id: str) -> tuple[str, str]:
    """'webchat:abc' -> ('webchat', 'abc'); channel names never contain a colon."""
    channel, sep, user_id = sender_id.partition(":")
    if not sep or not channel or not user_id:
        raise ValueError(f"sender_id must look like 'channel:user', got {sender_id!r}")
    return channel, user_id


class CaseService:
    def __init__(self, sessions: sessionmaker[Session], deliver: Deliver) -> None:
        self._sessions = sessions
        self._deliver = deliver

    # --- opening (the bot side) ---------------------------------------------------------------------

    def open_case(
        self,
        channel: str,
        user_id: str,
        *,
        topic: str = "",
        facts: list | None = None,
        reasons: list | None = None,
        priority: str | None = "normal",
        suggested_articles: list | None = None,
        description: str = "",
        district: str = "",
        phone: str = "",
        consent: bool = False,
    ) -> tuple[int, bool]:
        """Returns (case id, created). A worker has at most one active case: a second opening adds to it."""
        priority = priority if priority in PRIORITIES else "normal"
        details = dict(
            topic=topic,
            facts=facts or [],
            reasons=reasons or [],
            priority=priority,
            suggested_articles=suggested_articles or [],
            description=description,
            district=district,
            phone=phone if consent else "",
            consent=consent,
        )
        with self._sessions() as db:
            case = Case(
                channel=channel,
                user_id=user_id,
                active_key=f"{channel}:{user_id}",
                status=CaseStatus.open.value,
                priority_rank=PRIORITIES.index(priority),
                **details,
            )
            db.add(case)
            try:
                db.flush()
            except IntegrityError:
                db.rollback()
                case_id = self._merge_into_active(db, channel, user_id, details)
                db.commit()
                return case_id, False
            attach_recent_messages(db, case)
            refresh_summary(db, case)
            db.add_all(
                [
                    CaseStatusChange(case_id=case.id, from_status=None, to_status=CaseStatus.open.value),
                    CaseAuditEntry(
                        case_id=case.id,
                        action="open",
                        detail={"priority": priority, "reasons": details["reasons"]},
                    ),
                ]
            )
            db.commit()
            return case.id, True

    @staticmethod
    def _merge_into_active(db: Session, channel: str, user_id: str, details: dict) -> int:
        case = db.scalar(select(Case).where(Case.active_key == f"{channel}:{user_id}"))
        if case is None:  # closed between our insert and this read: extremely unlikely, report it loudly
            raise CaseConflict("案件状态刚刚发生变化，请重试")
        for key in ("description", "district", "topic"):
            if details[key] and not getattr(case, key):
                setattr(case, key, details[key])
        if details["consent"] and details["phone"]:
            case.phone, case.consent = details["phone"], True
        case.reasons = list(dict.fromkeys([*case.reasons, *details["reasons"]]))
        case.facts = [*case.facts, *(f for f in details["facts"] if f not in case.facts)]
        known = {(a.get("law"), a.get("article")) for a in case.suggested_articles}
        case.suggested_articles = [
            *case.suggested_articles,
            *(a for a in details["suggested_articles"] if (a.get("law"), a.get("article")) not in known),
        ]
        if PRIORITIES.index(details["priority"]) < case.priority_rank:
            case.priority, case.priority_rank = details["priority"], PRIORITIES.index(details["priority"])
        case.updated_at = utcnow()
        refresh_summary(db, case)
        db.add(CaseAuditEntry(case_id=case.id, action="reopen_request", detail={"reasons": details["reasons"]}))
        return case.id

    def withdraw(self, case_id: int) -> bool:
        """The worker no longer wants a lawyer: the case closes as withdrawn (False if it was not active)."""
        with self._sessions() as db:
            now = utcnow()
            was = db.scalar(select(Case.status).where(Case.id == case_id))
            result = db.execute(
                update(Case)
                .where(Case.id == case_id, Case.status.in_(ACTIVE_STATUSES))
                .values(
                    status=CaseStatus.closed.value, active_key=None, closed_at=now, updated_at=now, outcome="withdrawn"
                )
                .execution_options(synchronize_session=False)
            )
            if result.rowcount != 1:
                db.rollback()
                return False
            self._end_assignment(db, case_id)
            db.add_all(
                [
                    CaseStatusChange(case_id=case_id, from_status=was, to_status="closed"),
                    CaseAuditEntry(case_id=case_id, action="withdraw", detail={}),
                ]
            )
            db.commit()
            return True

    def add_phone(self, case_id: int, phone: str) -> None:
        """A number the worker left with consent (a crisis call-back or the handoff form)."""
        with self._sessions() as db:
            case = db.get(Case, case_id)
            if case is not None and phone:
                case.phone, case.consent, case.updated_at = phone, True, utcnow()
                db.add(CaseAuditEntry(case_id=case_id, action="phone_added", detail={}))
                db.commit()

    # --- lawyer actions -------------------------------------------------------------------------------

    def claim(self, case_id: int, user: User) -> None:
        with self._sessions() as db:
            now = utcnow()
            result = db.execute(
                update(Case)
                .where(Case.id == case_id, Case.status == CaseStatus.open.value, Case.claimed_by_id.is_(None))
                .values(status=CaseStatus.claimed.value, claimed_by_id=user.id, claimed_at=now, updated_at=now)
                .execution_options(synchronize_session=False)
            )
            if result.rowcount != 1:
                db.rollback()
                self._explain_refusal(db, case_id, "该案件已被其他律师认领或已结束")
            db.add_all(
                [
                    CaseStatusChange(case_id=case_id, from_status="open", to_status="claimed", actor_id=user.id),
                    CaseAssignment(case_id=case_id, lawyer_id=user.id, assigned_by_id=user.id, started_at=now),
                    CaseAuditEntry(case_id=case_id, actor_id=user.id, action="claim", detail={}),
                ]
            )
            db.commit()

    def release(self, case_id: int, user: User) -> None:
        with self._sessions() as db:
            self._holder_update(db, case_id, user, status=CaseStatus.open.value, claimed_by_id=None, claimed_at=None)
            self._end_assignment(db, case_id)
            db.add_all(
                [
                    CaseStatusChange(case_id=case_id, from_status="claimed", to_status="open", actor_id=user.id),
                    CaseAuditEntry(case_id=case_id, actor_id=user.id, action="release", detail={}),
                ]
            )
            db.commit()

    def transfer(self, case_id: int, user: User, to_user_id: int) -> None:
        with self._sessions() as db:
            target = db.get(User, to_user_id)
        if target is None or not target.is_active or target.role not in (Role.lawyer, Role.admin):
            raise CaseConflict("只能转给在岗的律师")
        with self._sessions() as db:
            self._holder_update(db, case_id, user, claimed_by_id=target.id, claimed_at=utcnow())
            self._end_assignment(db, case_id)
            db.add_all(
                [
                    CaseAssignment(case_id=case_id, lawyer_id=target.id, assigned_by_id=user.id),
                    CaseAuditEntry(case_id=case_id, actor_id=user.id, action="transfer", detail={"to": target.id}),
                ]
            )
            db.commit()

    async def reply(self, case_id: int, user: User, text: str) -> bool:
        """Send the lawyer's words to the worker on their channel. False: stored but not pushed yet."""
        text = text.strip()
        if not text:
            raise CaseConflict("回复内容不能为空")
        channel, user_id = await asyncio.to_thread(self._record_reply, case_id, user)
        return await self._deliver(channel, user_id, Outgoing(text, author="lawyer"), case_id)

    def _record_reply(self, case_id: int, user: User) -> tuple[str, str]:
        with self._sessions() as db:
            now = utcnow()
            self._holder_update(db, case_id, user, updated_at=now)
            db.execute(
                update(Case)
                .where(Case.id == case_id, Case.first_response_at.is_(None))
                .values(first_response_at=now)
                .execution_options(synchronize_session=False)
            )
            db.add(CaseAuditEntry(case_id=case_id, actor_id=user.id, action="reply", detail={}))
            case = db.get(Case, case_id)
            db.commit()
            return case.channel, case.user_id

    def add_note(self, case_id: int, user: User, text: str) -> None:
        text = text.strip()
        if not text:
            raise CaseConflict("备注内容不能为空")
        with self._sessions() as db:
            if db.get(Case, case_id) is None:
                raise CaseNotFound("案件不存在")
            db.add_all(
                [
                    CaseNote(case_id=case_id, author_id=user.id, text=text),
                    CaseAuditEntry(case_id=case_id, actor_id=user.id, action="note", detail={}),
                ]
            )
            db.commit()

    async def close(self, case_id: int, user: User, outcome: str, note: str = "") -> None:
        """Close with an outcome; the worker goes back to the bot and is asked for a 1-5 score."""
        if outcome not in OUTCOMES:
            raise CaseConflict("请选择结案结果")
        channel, user_id = await asyncio.to_thread(self._record_close, case_id, user, outcome, note.strip())
        await self._deliver(
            channel, user_id, Outgoing(say("dialogue.case_closed"), author="system", buttons=SCORE_BUTTONS), case_id
        )

    def _record_close(self, case_id: int, user: User, outcome: str, note: str) -> tuple[str, str]:
        with self._sessions() as db:  # a separate read: SQLite must not upgrade a read transaction to a write
            was = db.scalar(select(Case.status).where(Case.id == case_id))
        with self._sessions() as db:
            now = utcnow()
            conditions = [Case.id == case_id, Case.status == was, Case.status.in_(ACTIVE_STATUSES)]
            if user.role != Role.admin:
                conditions += [Case.claimed_by_id == user.id]
            result = db.execute(
                update(Case)
                .where(*conditions)
                .values(
                    status=CaseStatus.closed.value,
                    active_key=None,
                    closed_at=now,
                    updated_at=now,
                    outcome=outcome,
                    outcome_note=note,
                    awaiting_feedback=True,
                )
                .execution_options(synchronize_session=False)
            )
            if result.rowcount != 1:
                db.rollback()
                self._explain_refusal(db, case_id, "只有认领该案件的律师或管理员可以结案", user=user)
            self._end_assignment(db, case_id)
            case = db.get(Case, case_id)
            db.add_all(
                [
                    CaseStatusChange(case_id=case_id, from_status=was, to_status="closed", actor_id=user.id),
                    CaseAuditEntry(case_id=case_id, actor_id=user.id, action="close", detail={"outcome": outcome}),
                ]
            )
            db.commit()
            return case.channel, case.user_id

    # --- reading ---------------------------------------------------------------------------------------

    def queue(
        self,
        status: str = "active",
        priority: str = "",
        topic: str = "",
        mine: User | None = None,
        limit: int = 200,
    ) -> list[Case]:
        """Most urgent first, then longest waiting."""
        statuses = {
            "active": ACTIVE_STATUSES,
            "open": ("open",),
            "claimed": ("claimed",),
            "closed": ("closed",),
        }
        query = select(Case)
        if status in statuses:
            query = query.where(Case.status.in_(statuses[status]))
        if priority in PRIORITIES:
            query = query.where(Case.priority == priority)
        if topic:
            query = query.where(Case.topic == topic)
        if mine is not None:
            query = query.where(Case.claimed_by_id == mine.id)
        with self._sessions() as db:
            return list(db.scalars(query.order_by(Case.priority_rank, Case.opened_at, Case.id).limit(limit)))

    def status_of(self, case_id: int) -> str:
        with self._sessions() as db:
            return db.scalar(select(Case.status).where(Case.id == case_id))

    def topics(self) -> list[str]:
        with self._sessions() as db:
            return sorted(t for t in db.scalars(select(Case.topic).distinct()) if t)

    def detail(self, case_id: int, viewer: User | None = None) -> CaseDetail:
        """Everything the case page shows; a viewer allowed unmasked data is written to the audit trail."""
        with self._sessions() as db:
            case = db.get(Case, case_id)
            if case is None:
                raise CaseNotFound("案件不存在")
            if viewer is not None and may_see_full_text(case, viewer):
                db.add(CaseAuditEntry(case_id=case_id, actor_id=viewer.id, action="view_full", detail={}))
                db.commit()

            def rows(model):
                return list(db.scalars(select(model).where(model.case_id == case_id).order_by(model.id)))

            notes, history = rows(CaseNote), rows(CaseStatusChange)
            assignments, audit = rows(CaseAssignment), rows(CaseAuditEntry)
            user_ids = {
                case.claimed_by_id,
                *(n.author_id for n in notes),
                *(h.actor_id for h in history),
                *(a.lawyer_id for a in assignments),
                *(a.assigned_by_id for a in assignments),
                *(a.actor_id for a in audit),
            } - {None}
            users = {u.id: u for u in db.scalars(select(User).where(User.id.in_(user_ids)))}
            return CaseDetail(case, transcript(db, case_id), notes, history, assignments, audit, users)

    def lawyers(self) -> list[User]:
        with self._sessions() as db:
            return list(
                db.scalars(
                    select(User)
                    .where(User.is_active.is_(True), User.role.in_([Role.lawyer, Role.admin]))
                    .order_by(User.username)
                )
            )

    # --- helpers ---------------------------------------------------------------------------------------

    def _holder_update(self, db: Session, case_id: int, user: User, **values) -> None:
        """UPDATE a claimed case only if `user` holds it (admins may act on any claimed case)."""
        conditions = [Case.id == case_id, Case.status == CaseStatus.claimed.value]
        if user.role != Role.admin:
            conditions.append(Case.claimed_by_id == user.id)
        values.setdefault("updated_at", utcnow())
        result = db.execute(
            update(Case).where(*conditions).values(**values).execution_options(synchronize_session=False)
        )
        if result.rowcount != 1:
            db.rollback()
            self._explain_refusal(db, case_id, "请先认领该案件（只有认领人或管理员可以操作）", user=user)

    @staticmethod
    def _end_assignment(db: Session, case_id: int) -> None:
        db.execute(
            update(CaseAssignment)
            .where(CaseAssignment.case_id == case_id, CaseAssignment.ended_at.is_(None))
            .values(ended_at=utcnow())
            .execution_options(synchronize_session=False)
        )

    @staticmethod
    def _explain_refusal(db: Session, case_id: int, message: str, user: User | None = None) -> None:
        case = db.get(Case, case_id)
        if case is None:
            raise CaseNotFound("案件不存在")
        if case.status == CaseStatus.closed.value:
            raise CaseConflict("该案件已结案")
        if user is not None and case.claimed_by_id not in (None, user.id) and user.role != Role.admin:
            raise CaseForbidden("该案件由其他律师负责")
        raise CaseConflict(message)


def may_see_full_text(case: Case, user: User) -> bool:
    """Unmasked phone and ID numbers: the lawyer holding the case, and admins."""
    return user.role == Role.admin or (case.claimed_by_id is not None and case.claimed_by_id == user.id)
