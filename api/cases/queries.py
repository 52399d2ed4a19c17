"""Case lookups shared by the conversation service and the case service (no business rules here)."""

from __future__ import annotations

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from api.cases.models import ACTIVE_STATUSES, Case
from api.cases.summary import extractive_summary
from api.conversation.models import ConversationMessage

PRE_CASE_CONTEXT = 30  # messages before the handoff that a new case takes into its transcript


def active_case(db: Session, channel: str, user_id: str) -> Case | None:
    return db.scalar(
        select(Case).where(Case.channel == channel, Case.user_id == user_id, Case.status.in_(ACTIVE_STATUSES))
    )


def transcript(db: Session, case_id: int) -> list[ConversationMessage]:
    return list(
        db.scalars(
            select(ConversationMessage).where(ConversationMessage.case_id == case_id).order_by(ConversationMessage.id)
        )
    )


def attach_recent_messages(db: Session, case: Case) -> None:
    """A new case takes the worker's messages since their previous case as its transcript."""
    worker = (ConversationMessage.channel == case.channel, ConversationMessage.user_id == case.user_id)
    last_tagged = (
        db.scalar(select(func.max(ConversationMessage.id)).where(*worker, ConversationMessage.case_id.is_not(None)))
        or 0
    )
    ids = db.scalars(
        select(ConversationMessage.id)
        .where(*worker, ConversationMessage.case_id.is_(None), ConversationMessage.id > last_tagged)
        .order_by(ConversationMessage.id.desc())
        .limit(PRE_CASE_CONTEXT)
    ).all()
    if ids:
        db.execute(
            update(ConversationMessage)
            .where(ConversationMessage.id.in_(ids))
            .values(case_id=case.id)
            .execution_options(synchronize_session=False)
        )


def refresh_summary(db: Session, case: Case) -> None:
    said = db.scalars(
        select(ConversationMessage.text)
        .where(ConversationMessage.case_id == case.id, ConversationMessage.author == "worker")
        .order_by(ConversationMessage.id)
    ).all()
    case.summary = extractive_summary([case.description, *said], case.facts or [])
