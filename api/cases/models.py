"""Case tables. Status history, assignments, notes and the audit trail are append-only."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import JSON, Boolean, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from api.conversation.models import utcnow
from api.core.db import Base


class CaseStatus(str, enum.Enum):
    open = "open"
    claimed = "claimed"
    closed = "closed"


ACTIVE_STATUSES = (CaseStatus.open.value, CaseStatus.claimed.value)
PRIORITIES = ("urgent", "high", "normal")  # most urgent first


class Case(Base):
    __tablename__ = "cases"
    __table_args__ = (Index("ix_cases_queue", "status", "priority_rank", "opened_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(32))
    user_id: Mapped[str] = mapped_column(String(128))
    # "channel:user_id" while the case is open or claimed, NULL once closed: the unique index allows
    # exactly one active case per worker even when two requests open one at the same moment.
    active_key: Mapped[str | None] = mapped_column(String(170), unique=True)
    topic: Mapped[str] = mapped_column(String(64), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    district: Mapped[str] = mapped_column(String(64), default="")
    phone: Mapped[str] = mapped_column(String(32), default="")  # only stored with the worker's consent
    consent: Mapped[bool] = mapped_column(Boolean, default=False)
    facts: Mapped[list] = mapped_column(JSON, default=list)  # NLU entities
    reasons: Mapped[list] = mapped_column(JSON, default=list)  # triage reasons
    priority: Mapped[str] = mapped_column(String(8), default="normal")
    priority_rank: Mapped[int] = mapped_column(Integer, default=2)  # index in PRIORITIES, for ordering
    suggested_articles: Mapped[list] = mapped_column(JSON, default=list)  # citations {law, article, text}
    summary: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(8), default=CaseStatus.open.value)
    claimed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    claimed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    first_response_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    outcome: Mapped[str] = mapped_column(String(32), default="")
    outcome_note: Mapped[str] = mapped_column(Text, default="")
    awaiting_feedback: Mapped[bool] = mapped_column(Boolean, default=False)
    feedback_score: Mapped[int | None] = mapped_column(Integer)
    opened_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    @property
    def sender_id(self) -> str:
        return f"{self.channel}:{self.user_id}"


class CaseStatusChange(Base):
    __tablename__ = "case_status_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    from_status: Mapped[str | None] = mapped_column(String(8))
    to_status: Mapped[str] = mapped_column(String(8))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class CaseAssignment(Base):
    """Who held the case and when; ended_at is set on release, transfer or close."""

    __tablename__ = "case_assignments"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    lawyer_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    assigned_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class CaseNote(Base):
    """Internal note between lawyers; never shown to the worker."""

    __tablename__ = "case_notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class CaseAuditEntry(Base):
    """Every action on a case, including who saw the unmasked personal data."""

    __tablename__ = "case_audit"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))  # None: the worker or the bot
    action: Mapped[str] = mapped_column(String(32))
    detail: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
