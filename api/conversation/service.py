"""Every worker message passes through here: de-duplicate, store, then either the open case or the bot.

conversation = ConversationService(get_sessionmaker(), rasa_client)
conversation.register_channel("webchat", push_to_browser)      # async (user_id, Outgoing) -> None
result = await conversation.handle_incoming("webchat", "u1", "老板欠我工资", message_id="m-1")
await conversation.deliver("webchat", "u1", Outgoing("……", author="lawyer"))
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from api.cases.models import Case, CaseAuditEntry
from api.cases.queries import active_case, refresh_summary
from api.conversation.feedback import parse_score, record_feedback
from api.conversation.models import ConversationMessage, ProcessedMessage, utcnow
from api.nlu.client import RasaClient, RasaUnavailable

logger = logging.getLogger(__name__)

CASE_ACK = "已收到，已转给律师，请耐心等待回复"
FEEDBACK_THANKS = "感谢您的评价！如果还有其他劳动法律问题，可以随时问我。"
BOT_BUSY = "系统繁忙，您的消息已记录，请稍后再发送一次。"


@dataclass
class Outgoing:
    text: str
    author: str = "bot"  # bot | lawyer | system
    citations: list[dict] = field(default_factory=list)
    buttons: list[dict] = field(default_factory=list)  # {title, payload}

    def payload(self) -> dict:
        return {
            key: value for key, value in (("citations", self.citations), ("buttons", self.buttons)) if value
        }


@dataclass
class HandleResult:
    duplicate: bool
    replies: list[Outgoing]
    case_id: int | None


@dataclass
class _Intake:
    duplicate: bool = False
    case_id: int | None = None
    feedback_recorded: bool = False


DeliverCallback = Callable[[str, Outgoing], Awaitable[None]]


class ConversationService:
    def __init__(self, sessions: sessionmaker[Session], rasa: RasaClient) -> None:
        self._sessions = sessions
        self._rasa = rasa
        self._channels: dict[str, DeliverCallback] = {}

    def register_channel(self, channel: str, deliver: DeliverCallback) -> None:
        self._channels[channel] = deliver

    async def handle_incoming(
        self, channel: str, user_id: str, text: str, message_id: str | None = None, resumed: bool = False
    ) -> HandleResult:
        """resumed: a crash cut this message's turn short; answer it even if it was taken in already."""
        intake = await asyncio.to_thread(self._intake, channel, user_id, text, message_id)
        if intake.duplicate and not resumed:
            return HandleResult(duplicate=True, replies=[], case_id=intake.case_id)
        if intake.case_id is not None:
            replies = [Outgoing(CASE_ACK, author="system")]
        elif intake.feedback_recorded:
            replies = [Outgoing(FEEDBACK_THANKS, author="system")]
        else:
            try:
                replies = outgoing_from_rasa(await self._rasa.send_message(f"{channel}:{user_id}", text))
            except RasaUnavailable:
                logger.warning("rasa unavailable; %s:%s asked to resend", channel, user_id)
                if message_id is not None:  # let the resend through the de-duplication
                    await asyncio.to_thread(self._forget, channel, message_id)
                replies = [Outgoing(BOT_BUSY, author="system")]
        case_id = await asyncio.to_thread(self._store_outgoing, channel, user_id, replies, intake.case_id)
        return HandleResult(duplicate=False, replies=replies, case_id=case_id)

    async def deliver(
        self, channel: str, user_id: str, outgoing: Outgoing, case_id: int | None = None
    ) -> bool:
        """Store a message for the worker, then push it through the channel. False: stored, not pushed."""
        await asyncio.to_thread(self._store_outgoing, channel, user_id, [outgoing], case_id)
        callback = self._channels.get(channel)
        if callback is None:
            logger.warning("no delivery callback for channel %s; message kept for the next visit", channel)
            return False
        try:
            await callback(user_id, outgoing)
        except Exception:  # the message is stored; the channel's own retry/outbox takes it from here
            logger.exception("delivery to %s:%s failed", channel, user_id)
            return False
        return True

    def _intake(self, channel: str, user_id: str, text: str, message_id: str | None) -> _Intake:
        with self._sessions() as db:
            if message_id is not None:
                db.add(ProcessedMessage(channel=channel, message_id=message_id))
                try:
                    db.flush()
                except IntegrityError:
                    db.rollback()
                    case = active_case(db, channel, user_id)
                    return _Intake(duplicate=True, case_id=case.id if case else None)
            case = active_case(db, channel, user_id)
            db.add(
                ConversationMessage(
                    channel=channel,
                    user_id=user_id,
                    direction="in",
                    author="worker",
                    text=text,
                    payload={},
                    case_id=case.id if case else None,
                )
            )
            intake = _Intake(case_id=case.id if case else None)
            if case is not None:
                db.flush()
                case.updated_at = utcnow()
                refresh_summary(db, case)
                db.add(CaseAuditEntry(case_id=case.id, action="worker_message", detail={}))
            else:
                intake.feedback_recorded = self._take_case_score(db, channel, user_id, text)
            db.commit()
            return intake

    @staticmethod
    def _take_case_score(db: Session, channel: str, user_id: str, text: str) -> bool:
        """After a closed case only the very next message may be its score; anything else goes to the bot."""
        waiting = db.scalars(
            select(Case).where(
                Case.channel == channel, Case.user_id == user_id, Case.awaiting_feedback.is_(True)
            )
        ).all()
        if not waiting:
            return False
        for case in waiting:  # one question at a time: an older unanswered request lapses too
            case.awaiting_feedback = False
        score = parse_score(text)
        if score is None:
            return False
        record_feedback(db, channel, user_id, score, about="case")
        return True

    def _forget(self, channel: str, message_id: str) -> None:
        with self._sessions() as db:
            processed = db.scalar(
                select(ProcessedMessage).where(
                    ProcessedMessage.channel == channel, ProcessedMessage.message_id == message_id
                )
            )
            if processed is not None:
                db.delete(processed)
                db.commit()

    def _store_outgoing(
        self, channel: str, user_id: str, replies: list[Outgoing], case_id: int | None
    ) -> int | None:
        """Returns the worker's active case id (a bot turn may just have opened one)."""
        with self._sessions() as db:
            active = active_case(db, channel, user_id)
            active_id = active.id if active else None
            for reply in replies:
                db.add(
                    ConversationMessage(
                        channel=channel,
                        user_id=user_id,
                        direction="out",
                        author=reply.author,
                        text=reply.text,
                        payload=reply.payload(),
                        case_id=case_id if case_id is not None else active_id,
                    )
                )
            db.commit()
            return active_id


def outgoing_from_rasa(messages: list[dict]) -> list[Outgoing]:
    """Rasa REST output -> Outgoing. A custom-only message carries citations for the text before it."""
    replies: list[Outgoing] = []
    for message in messages:
        custom = message.get("custom") if isinstance(message.get("custom"), dict) else {}
        text = message.get("text") or custom.get("text") or ""
        citations = list(custom.get("citations") or [])
        buttons = [
            {"title": b.get("title", ""), "payload": b.get("payload", "")}
            for b in message.get("buttons") or custom.get("buttons") or []
        ]
        if not text and not buttons and replies:
            replies[-1].citations.extend(citations)
            continue
        if text or buttons or citations:
            replies.append(Outgoing(text=text, author="bot", citations=citations, buttons=buttons))
    return replies
