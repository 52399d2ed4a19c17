"""Every worker message passes through here, on a one-way turn:

    store (de-duplicated) → understand (Rasa NLU, or the tapped button) → decide (api.assistant.reply)
    → Rasa runs the dialogue with the decision → apply what the turn reported (open a case, a score…)
    → store and return the replies

The app never waits for Rasa to call it back: Rasa gets the decision with the message and reports events
in its output. Rasa only ever sees the text with phone and ID numbers masked.

    conversation = ConversationService(sessions, rasa, knowledge_base=lambda: app.state.kb)
    conversation.register_channel("web", push_to_browser)      # async (user_id, Outgoing) -> None
    result = await conversation.handle_incoming("web", "u1", "老板欠我工资", message_id="m-1")
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from api.assistant.commands import Command, command_for, read_payload
from api.assistant.context import TurnContext, load_context
from api.assistant.intents import TOPIC_INTENTS
from api.assistant.reply import Reply, compose_reply, understood
from api.cases.models import Case, CaseAuditEntry
from api.cases.queries import active_case, refresh_summary
from api.cases.service import CaseService
from api.cases.sla import SLA, duration_text
from api.conversation.feedback import parse_score, record_feedback
from api.conversation.models import ConversationMessage, ProcessedMessage, UnansweredQuestion, utcnow
from api.conversation.outgoing import Outgoing
from api.core.metrics import Metrics
from api.nlu.client import ParseResult, RasaClient, RasaUnavailable
from api.triage import triage
from nlu.language import entities, mask_pii
from phrasebook import say

logger = logging.getLogger(__name__)

EVENT_KEY = "laborbot_event"  # actions/app_events.py
NEGATIVE_SCORE = 2


@dataclass
class HandleResult:
    duplicate: bool
    replies: list[Outgoing]
    case_id: int | None


@dataclass
class _Intake:
    duplicate: bool = False
    message_id: int | None = None  # the stored message
    case_id: int | None = None
    feedback_recorded: bool = False
    context: TurnContext | None = None


DeliverCallback = Callable[[str, Outgoing], Awaitable[None]]


class ConversationService:
    def __init__(
        self,
        sessions: sessionmaker[Session],
        rasa: RasaClient,
        knowledge_base: Callable[[], object],
        metrics: Metrics | None = None,
    ) -> None:
        self._sessions = sessions
        self._rasa = rasa
        self._kb = knowledge_base
        self.metrics = metrics or Metrics()
        self._channels: dict[str, DeliverCallback] = {}
        self.cases = CaseService(sessions, self.deliver)

    def register_channel(self, channel: str, deliver: DeliverCallback) -> None:
        self._channels[channel] = deliver

    async def handle_incoming(
        self,
        channel: str,
        user_id: str,
        text: str,
        message_id: str | None = None,
        *,
        payload: str | None = None,
        resumed: bool = False,
    ) -> HandleResult:
        """resumed: a crash cut this message's turn short; answer it even if it was taken in already."""
        started = time.perf_counter()
        with self.metrics.timed("database"):
            intake = await asyncio.to_thread(self._intake, channel, user_id, text, message_id)
        if intake.duplicate and not resumed:
            return HandleResult(duplicate=True, replies=[], case_id=intake.case_id)
        if intake.feedback_recorded:
            replies = [Outgoing(say("dialogue.case_feedback_thanks"), author="system")]
        else:
            try:
                replies = await self._turn(channel, user_id, text, payload, intake)
            except RasaUnavailable:
                self.metrics.rasa_failures.inc()
                logger.warning("rasa unavailable; %s:%s asked to resend", channel, user_id)
                if message_id is not None:  # let the resend through the de-duplication
                    await asyncio.to_thread(self._forget, channel, message_id)
                replies = [Outgoing(say("dialogue.busy"), author="system")]
        with self.metrics.timed("database"):
            case_id = await asyncio.to_thread(self._store_outgoing, channel, user_id, replies, None)
        self.metrics.turn_seconds.labels(channel).observe(time.perf_counter() - started)
        return HandleResult(duplicate=False, replies=replies, case_id=case_id)

    async def deliver(self, channel: str, user_id: str, outgoing: Outgoing, case_id: int | None = None) -> bool:
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

    # --- the turn ---------------------------------------------------------------------------------------

    async def _turn(
        self, channel: str, user_id: str, text: str, payload: str | None, intake: _Intake
    ) -> list[Outgoing]:
        context = intake.context or TurnContext()
        command = command_for(text, payload, context.offered)
        parsed = _commanded(text, command)
        if parsed is None:
            with self.metrics.timed("nlu"):
                parsed = understood(await self._rasa.parse(text))
        kb = self._kb()
        with self.metrics.timed("decide"):
            reply = await asyncio.to_thread(
                compose_reply, parsed, _TimedRetrieval.around(kb, self.metrics), context, command
            )
        self.metrics.replies.labels(reply.kind or "none").inc()
        masked = mask_pii(text)
        metadata = {"decision": reply.decision(), "facts": {**context.facts, **reply.facts}}
        try:
            with self.metrics.timed("dialogue"):
                output = await self._rasa.turn(f"{channel}:{user_id}", masked, _rasa_parse(parsed, reply), metadata)
        except RasaUnavailable:
            self.metrics.rasa_failures.inc()
            if not reply.answer:  # a form or a calculator needs the dialogue: ask to resend
                raise
            logger.warning("rasa turn failed for %s:%s; answering with the app's decision", channel, user_id)
            output = [
                {"text": reply.answer, "buttons": [b.model_dump() for b in reply.buttons]},
                {"custom": {"citations": [c.model_dump() for c in reply.citations]}},
            ]
        replies, events = split_output(output)
        with self.metrics.timed("database"):
            notices = await asyncio.to_thread(self._apply, channel, user_id, intake, parsed, reply, events)
        return replies + notices

    def _apply(
        self, channel: str, user_id: str, intake: _Intake, parsed: ParseResult, reply: Reply, events: list[dict]
    ) -> list[Outgoing]:
        """What the decision and the turn's events change: cases, scores, staff's unanswered queue."""
        notices: list[Outgoing] = []
        self._remember(intake.message_id, parsed, reply)
        if reply.escalate and reply.priority is not None and parsed.intent != "request_human":
            _case_id, created = self.cases.open_case(
                channel,
                user_id,
                topic=_topic(reply.intent),
                reasons=reply.reasons,
                priority=reply.priority,
                facts=_facts(parsed),
                suggested_articles=[c.model_dump() for c in reply.citations],
            )
            if created:
                self.metrics.escalations.labels(reply.reasons[0] if reply.reasons else "unknown").inc()
        if reply.kind == "case_withdrawn" and intake.context and intake.context.case:
            self.cases.withdraw(intake.context.case.id)
        if reply.kind == "unsure":
            # the cards it guessed, then those it offered to tap
            offered = [c.value for c in (read_payload(o.payload) for o in reply.options) if c is not None]
            candidates = list(dict.fromkeys([*reply.cards, *offered]))
            self._unanswered(
                channel, user_id, intake.message_id, parsed.text, reply.intent, "low_confidence", candidates
            )
        for event in events:
            notices += self._apply_event(channel, user_id, intake, event)
        return notices

    def _apply_event(self, channel: str, user_id: str, intake: _Intake, event: dict) -> list[Outgoing]:
        kind = event.get("type")
        if kind == "open_case":
            description = str(event.get("description") or "")
            risk = triage(description, intent="request_human", user_requested=True)
            phone = self._latest_phone(channel, user_id) if event.get("phone_given") else ""
            case_id, created = self.cases.open_case(
                channel,
                user_id,
                topic=_topic(str(event.get("topic") or "")),
                reasons=risk.reasons,
                priority=risk.priority,
                description=description,
                district=str(event.get("district") or ""),
                phone=phone,
                consent=bool(event.get("phone_consent")) and bool(phone),
                facts=[e for e in entities(description) if e["entity"] not in ("phone", "id_number")],
                suggested_articles=self._last_citations(channel, user_id),
            )
            if created:
                self.metrics.escalations.labels(risk.reasons[0] if risk.reasons else "user_request").inc()
            priority = risk.priority or "normal"
            return [
                Outgoing(
                    say("dialogue.case_opened", case_id=case_id, sla=duration_text(SLA[priority])), author="system"
                ),
                Outgoing(say("fixed.handoff_started"), author="system"),
            ]
        if kind == "callback":
            case = intake.context.case if intake.context else None
            phone = self._latest_phone(channel, user_id)
            if case is not None and phone:
                self.cases.add_phone(case.id, phone)
            return [Outgoing(say("crisis.callback_thanks"), author="system")]
        if kind == "feedback":
            score, about = int(event.get("score") or 0), str(event.get("about") or "answer")
            with self._sessions() as db:
                record_feedback(db, channel, user_id, score, about)
                db.commit()
            if about == "answer" and (event.get("helpful") is False or score <= NEGATIVE_SCORE):
                self._unanswered_from_last(
                    channel, user_id, "not_helpful" if event.get("helpful") is False else "low_score"
                )
        return []

    # --- storage ---------------------------------------------------------------------------------------

    def _intake(self, channel: str, user_id: str, text: str, message_id: str | None) -> _Intake:
        with self._sessions() as db:
            if message_id is not None:
                db.add(ProcessedMessage(channel=channel, message_id=message_id))
                try:
                    db.flush()
                except IntegrityError:
                    db.rollback()
                    case = active_case(db, channel, user_id)
                    stored = db.scalar(
                        select(ConversationMessage.id)
                        .where(
                            ConversationMessage.channel == channel,
                            ConversationMessage.user_id == user_id,
                            ConversationMessage.direction == "in",
                            ConversationMessage.text == text,
                        )
                        .order_by(ConversationMessage.id.desc())
                        .limit(1)
                    )
                    return _Intake(
                        duplicate=True,
                        case_id=case.id if case else None,
                        message_id=stored,
                        context=load_context(db, channel, user_id),
                    )
            context = load_context(db, channel, user_id)  # before this message: "the previous question"
            case = active_case(db, channel, user_id)
            message = ConversationMessage(
                channel=channel,
                user_id=user_id,
                direction="in",
                author="worker",
                text=text,
                payload={},
                case_id=case.id if case else None,
            )
            db.add(message)
            db.flush()
            intake = _Intake(message_id=message.id, case_id=case.id if case else None, context=context)
            if case is not None:  # the lawyer sees it in the transcript; the bot still answers
                case.updated_at = utcnow()
                refresh_summary(db, case)
                db.add(CaseAuditEntry(case_id=case.id, action="worker_message", detail={}))
            else:
                intake.feedback_recorded = self._take_case_score(db, channel, user_id, text)
            db.commit()
            return intake

    def _remember(self, message_id: int | None, parsed: ParseResult, reply: Reply) -> None:
        """The message's topic and facts, for the next turn's context and for staff's insights."""
        if message_id is None:
            return
        with self._sessions() as db:
            message = db.get(ConversationMessage, message_id)
            if message is not None:
                topic = reply.intent if reply.intent in TOPIC_INTENTS else ""
                message.payload = {
                    "intent": parsed.intent,
                    "confidence": round(parsed.confidence, 4),
                    "topic": topic,
                    "facts": reply.facts,
                    "cards": reply.cards,
                    "entities": [{"entity": e["entity"], "value": e.get("value")} for e in _facts(parsed)],
                }
                db.commit()

    @staticmethod
    def _take_case_score(db: Session, channel: str, user_id: str, text: str) -> bool:
        """After a closed case only the very next message may be its score; anything else goes to the bot."""
        waiting = db.scalars(
            select(Case).where(Case.channel == channel, Case.user_id == user_id, Case.awaiting_feedback.is_(True))
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

    def _unanswered(
        self, channel: str, user_id: str, message_id: int | None, text: str, topic: str, reason: str, candidates: list
    ) -> None:
        with self._sessions() as db:
            db.add(
                UnansweredQuestion(
                    channel=channel,
                    user_id=user_id,
                    message_id=message_id,
                    text=mask_pii(text),
                    topic=_topic(topic),
                    reason=reason,
                    candidates=list(candidates),
                )
            )
            db.commit()

    def _unanswered_from_last(self, channel: str, user_id: str, reason: str) -> None:
        """The question the worker rated: their last message that got a knowledge-base answer."""
        with self._sessions() as db:
            asked = _recent(db, ConversationMessage, channel, user_id, "in", 6)
            question = next((m for m in asked if (m.payload or {}).get("cards")), None)
        if question is not None:
            self._unanswered(
                channel,
                user_id,
                question.id,
                question.text,
                question.payload.get("topic", ""),
                reason,
                question.payload.get("cards", []),
            )

    def _latest_phone(self, channel: str, user_id: str) -> str:
        """The phone number in the worker's most recent message that has one (the app alone keeps it)."""
        with self._sessions() as db:
            texts = _recent(db, ConversationMessage.text, channel, user_id, "in", 5)
        for text in texts:
            phone = next((e["value"] for e in entities(text) if e["entity"] == "phone"), None)
            if phone:
                return str(phone)
        return ""

    def _last_citations(self, channel: str, user_id: str) -> list[dict]:
        """The articles of the bot's last answer: what the lawyer is shown as suggested articles."""
        with self._sessions() as db:
            payloads = _recent(db, ConversationMessage.payload, channel, user_id, "out", 10)
        return next((list(p["citations"]) for p in payloads if p and p.get("citations")), [])

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

    def _store_outgoing(self, channel: str, user_id: str, replies: list[Outgoing], case_id: int | None) -> int | None:
        """Returns the worker's active case id (a turn may just have opened or withdrawn one)."""
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


def split_output(messages: list[dict]) -> tuple[list[Outgoing], list[dict]]:
    """Rasa's output → (what the worker reads, events for the app). A custom-only message with citations
    belongs to the text before it."""
    replies: list[Outgoing] = []
    events: list[dict] = []
    for message in messages:
        custom = message.get("custom") if isinstance(message.get("custom"), dict) else {}
        if EVENT_KEY in custom:
            events.append(dict(custom[EVENT_KEY]))
            continue
        text = message.get("text") or ""
        citations = list(custom.get("citations") or [])
        buttons = [{"title": b.get("title", ""), "payload": b.get("payload", "")} for b in message.get("buttons") or []]
        if not text and not buttons and replies:
            replies[-1].citations.extend(citations)
            continue
        if text or buttons or citations:
            replies.append(Outgoing(text=text, author="bot", citations=citations, buttons=buttons))
    return replies, events


class _TimedRetrieval:
    """The knowledge base as compose_reply uses it, its answers timed as the turn's retrieval stage."""

    def __init__(self, kb, metrics: Metrics) -> None:
        self._kb, self._metrics = kb, metrics

    @classmethod
    def around(cls, kb, metrics: Metrics) -> _TimedRetrieval | None:
        return None if kb is None else cls(kb, metrics)

    @property
    def ready(self) -> bool:
        return self._kb.ready

    def answer(self, *args, **kwargs):
        with self._metrics.timed("retrieval"):
            return self._kb.answer(*args, **kwargs)

    def card_answer(self, *args, **kwargs):
        with self._metrics.timed("retrieval"):
            return self._kb.card_answer(*args, **kwargs)


def _commanded(text: str, command: Command | None) -> ParseResult | None:
    """A tapped button is understood without the NLU."""
    if command is None:
        return None
    if command.name in ("affirm", "deny", "request_human"):
        return ParseResult(text=text, intent=command.name, confidence=1.0)
    entities = [{"entity": "calculator", "value": command.value}] if command.name == "calculator" else []
    return ParseResult(text=text, intent="inform", confidence=1.0, entities=entities)


def _rasa_parse(parsed: ParseResult, reply: Reply) -> dict:
    if reply.said_regardless:
        return parsed.rasa_parse_data("app_reply")
    if reply.kind == "calculator":
        return {
            "intent": {"name": "inform", "confidence": 1.0},
            "entities": [{"entity": "calculator", "value": reply.calculator}],
            "intent_ranking": [],
        }
    return parsed.rasa_parse_data()


def _topic(intent: str) -> str:
    return intent if intent in TOPIC_INTENTS else ""


def _facts(parsed: ParseResult) -> list[dict]:
    return [e for e in parsed.entities if e.get("entity") not in ("phone", "id_number")]


def _recent(db, column, channel: str, user_id: str, direction: str, limit: int) -> list:
    """The newest ``limit`` values of ``column`` among one conversation's messages in one direction."""
    return db.scalars(
        select(column)
        .where(
            ConversationMessage.channel == channel,
            ConversationMessage.user_id == user_id,
            ConversationMessage.direction == direction,
        )
        .order_by(ConversationMessage.id.desc())
        .limit(limit)
    ).all()
