"""What the web chat shows: the stored conversation of one visitor and whether a lawyer has it."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from api.cases.queries import active_case
from api.conversation.models import ConversationMessage

CHANNEL = "web"
HISTORY_LIMIT = 200


def conversation_view(sessions: sessionmaker[Session], user_id: str, after: int) -> dict:
    with sessions() as db:
        rows = list(
            db.scalars(
                select(ConversationMessage)
                .where(
                    ConversationMessage.channel == CHANNEL,
                    ConversationMessage.user_id == user_id,
                    ConversationMessage.id > after,
                )
                .order_by(ConversationMessage.id.desc())
                .limit(HISTORY_LIMIT)
            )
        )
        has_lawyer = active_case(db, CHANNEL, user_id) is not None
    return {"messages": [_message(row) for row in reversed(rows)], "escalated": has_lawyer}


def escalated(sessions: sessionmaker[Session], user_id: str) -> bool:
    with sessions() as db:
        return active_case(db, CHANNEL, user_id) is not None


def _message(row: ConversationMessage) -> dict:
    payload = row.payload or {}
    return {
        "id": row.id,
        "author": row.author,
        "text": row.text,
        "citations": payload.get("citations", []),
        "buttons": payload.get("buttons", []),
        "created_at": row.created_at.isoformat(),
    }
