"""Workers' 1-5 scores, for a bot answer or for a closed case."""

from __future__ import annotations

import re
import unicodedata

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.cases.models import Case, CaseAuditEntry
from api.conversation.models import Feedback

# "5", "５", "5分", "4星", "3。" — a bare score, nothing else.
_SCORE = re.compile(r"^([1-5])(?:分|星)?[。.!！]?$")


def parse_score(text: str) -> int | None:
    match = _SCORE.match(unicodedata.normalize("NFKC", text).strip())
    return int(match.group(1)) if match else None


def record_feedback(db: Session, channel: str, user_id: str, score: int, about: str, comment: str = "") -> Feedback:
    """Store a score; a case score goes to the worker's most recently closed case and stops asking for one."""
    case = None
    if about == "case":
        case = db.scalar(
            select(Case)
            .where(Case.channel == channel, Case.user_id == user_id, Case.status == "closed")
            .order_by(Case.closed_at.desc(), Case.id.desc())
            .limit(1)
        )
        if case is not None:
            case.feedback_score = score
            case.awaiting_feedback = False
            db.add(CaseAuditEntry(case_id=case.id, action="feedback", detail={"score": score}))
    feedback = Feedback(
        channel=channel,
        user_id=user_id,
        about=about,
        score=score,
        comment=comment,
        case_id=case.id if case else None,
    )
    db.add(feedback)
    return feedback
