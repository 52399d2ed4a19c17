"""Topics of inbound worker messages for insights: each message is read once by the live NLU (Rasa) and the
reading is kept in message_topics. Messages stay "unclassified" while Rasa is down; nothing is guessed."""

from __future__ import annotations

import asyncio

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from api.admin.models import MessageTopic
from api.conversation.models import ConversationMessage
from api.nlu.client import RasaClient, RasaUnavailable

UNCLASSIFIED = "unclassified"


def inquiries_query():
    """Worker messages the bot handled (not a message inside a lawyer's case)."""
    return select(ConversationMessage).where(
        ConversationMessage.direction == "in", ConversationMessage.author == "worker",
        ConversationMessage.case_id.is_(None))


async def classify_pending(sessions: sessionmaker[Session], rasa: RasaClient, limit: int = 300) -> int:
    """Classify up to ``limit`` messages without a topic; returns how many were classified."""
    def pending() -> list[tuple[int, str]]:
        with sessions() as db:
            rows = db.execute(
                inquiries_query().with_only_columns(ConversationMessage.id, ConversationMessage.text)
                .outerjoin(MessageTopic, MessageTopic.message_id == ConversationMessage.id)
                .where(MessageTopic.message_id.is_(None)).order_by(ConversationMessage.id.desc()).limit(limit)
            ).all()
            return [(mid, text) for mid, text in rows]

    todo = await asyncio.to_thread(pending)
    if not todo or not await rasa.model_loaded():
        return 0
    readings = []
    for message_id, text in todo:
        try:
            parsed = await rasa.parse(text)
        except RasaUnavailable:
            break
        readings.append(MessageTopic(message_id=message_id, intent=parsed.intent, confidence=parsed.confidence,
                                     entities=[{"entity": e["entity"], "value": e["value"]} for e in parsed.entities]))

    def store() -> None:
        with sessions() as db:
            db.add_all(readings)
            db.commit()

    await asyncio.to_thread(store)
    return len(readings)
