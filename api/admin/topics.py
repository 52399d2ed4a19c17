"""Which worker messages count as inquiries for staff's pages. Each message's topic is recorded by the
conversation service when the bot answers it (the message's payload: topic, facts, the entities the NLU
found); a message without a topic intent is "unclassified"."""

from __future__ import annotations

from sqlalchemy import select

from api.conversation.models import ConversationMessage

UNCLASSIFIED = "unclassified"


def inquiries_query():
    """Worker messages the bot handled (not a message inside a lawyer's case)."""
    return select(ConversationMessage).where(
        ConversationMessage.direction == "in",
        ConversationMessage.author == "worker",
        ConversationMessage.case_id.is_(None),
    )
