"""The WeChat channel: one conversation turn per inbound message, answered passively or pushed.

WeChat waits 5 s for an answer and then retries the same message (up to 3 times). Each message is
taken once (persisted claim); its turn runs as a task that every delivery of that message waits on.
Whoever sees the turn finish within its budget answers passively; once a delivery's budget runs out,
the answer goes out through the outbox instead. Exactly one of the two happens, decided in the database,
so a retry that reaches another app worker is answered consistently: it waits for the turn that worker
runs and gives its passive reply, or settles that the answer will be pushed. The worker running a turn
holds a lease on it; a turn whose lease ran out was cut short by a crash, and a live worker runs it again
and answers through the outbox.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from api.channels.wechat import texts
from api.channels.wechat.models import WechatInbound
from api.channels.wechat.outbox import OutboxSender
from api.channels.wechat.protocol import Envelope, msg_id_of
from api.channels.wechat.store import WechatStore
from api.conversation.outgoing import Outgoing
from api.conversation.service import ConversationService
from api.conversation.validation import TextRefused, checked_text
from api.core.ratelimit import RateLimits
from phrasebook import say

logger = logging.getLogger(__name__)
CHANNEL = "wechat"
Produce = Callable[[], Awaitable[list[str]]]  # the texts answering one inbound message
READY_WAIT_S = 180.0  # after a crash Rasa may still be loading its model, the app its index
TURN_LEASE_S = 15.0  # a turn nobody renewed for this long was cut short by a crash
RENEW_EVERY_S = 5.0  # also how often each worker looks for such turns
POLL_S = 0.1  # a retry waiting for the turn another worker runs


@dataclass
class _Outcome:
    texts: list[str]
    fresh: bool  # False: taken before (another worker, or before a restart); texts: its passive reply, if any


@dataclass
class _Turn:
    task: asyncio.Task[_Outcome]
    delivery: str | None = None  # passive | push, decided once
    passive_text: str | None = None


class WechatChannel:
    def __init__(
        self,
        conversation: ConversationService,
        store: WechatStore,
        sender: OutboxSender,
        limits: RateLimits,
        per_minute: int,
        max_chars: int,
    ) -> None:
        self.conversation = conversation
        self.store = store
        self.sender = sender
        self.limits = limits
        self.per_minute = per_minute
        self.max_chars = max_chars
        self._turns: dict[str, _Turn] = {}
        self._recovering: set[str] = set()  # keys of cut-short turns this worker took over
        self._background: set[asyncio.Task] = set()

    async def respond(self, envelope: Envelope, budget_s: float) -> str | None:
        """The passive reply text, or None to answer `success` (nothing more, or a push follows)."""
        produce, kind, asked = self._route(envelope)
        if produce is None:
            return None
        return await self._once(envelope.dedup_key, envelope.openid, kind, asked, produce, budget_s)

    def start(self, ready: Callable[[], Awaitable[bool]]) -> asyncio.Task:
        """Keep this worker's turns leased and answer, through the outbox, the turns whose worker died
        (including this process's own before a restart). ``ready``: may the bot be asked yet."""
        return asyncio.create_task(self._lease_loop(ready))

    async def push(self, openid: str, outgoing: Outgoing) -> None:
        """Channel delivery for ConversationService (e.g. a lawyer's reply): through the outbox."""
        await asyncio.to_thread(self.store.enqueue, openid, texts.render_texts([outgoing]), outgoing.author)
        self.sender.wake()

    async def drain(self, timeout_s: float) -> None:
        """On shutdown: let running turns finish so their answers reach the outbox."""
        pending = [turn.task for turn in self._turns.values()] + list(self._background)
        if pending:
            await asyncio.wait(pending, timeout=timeout_s)

    def _route(self, envelope: Envelope) -> tuple[Produce | None, str, str | None]:
        """How to answer, the message kind, and the text asked of the bot (None for fixed answers)."""
        message = envelope.message
        if message.type == "event":
            event = (getattr(message, "event", "") or "").lower()
            if event in ("subscribe", "subscribe_scan"):
                return _fixed(texts.welcome()), "subscribe", None
            if event == "unsubscribe":
                return _fixed(None), "unsubscribe", None
            return None, event, None  # menu views, locations…: nothing to say
        if message.type == "text":
            text = message.content or ""
        elif message.type == "voice":
            text = (message.recognition or "").strip()
            if not text:
                return _fixed(say("wechat.voice_unrecognized")), "voice", None
        else:
            return _fixed(say("wechat.unsupported")), message.type, None
        try:  # the same check as every channel, before anything is stored
            text = checked_text(text, self.max_chars)
        except TextRefused as refusal:
            return _fixed(str(refusal)), message.type, None
        msg_id = envelope.fields.get("MsgId")
        return (lambda: self._bot_turn(envelope.openid, text, msg_id)), message.type, text

    async def _bot_turn(self, openid: str, text: str, msg_id: str | None, resumed: bool = False) -> list[str]:
        if not resumed and not self.limits.allow(CHANNEL, openid, self.per_minute):
            return [say("dialogue.rate_limited")]
        try:
            result = await self.conversation.handle_incoming(CHANNEL, openid, text, msg_id, resumed=resumed)
        except Exception:
            logger.exception("wechat turn failed")
            return [say("wechat.sorry")]
        if result.duplicate:
            return []
        return texts.render_texts(result.replies) or [say("wechat.sorry")]  # never leave the worker without an answer

    async def _once(
        self, key: str, openid: str, kind: str, asked: str | None, produce: Produce, budget_s: float
    ) -> str | None:
        turn = self._turns.get(key)
        if turn is None:
            claim = self._claim_and_produce(key, openid, kind, asked, produce, budget_s)
            turn = _Turn(asyncio.create_task(claim))
            self._turns[key] = turn
        try:
            outcome = await asyncio.wait_for(asyncio.shield(turn.task), timeout=max(budget_s, 0.0))
        except TimeoutError:
            if turn.delivery is None:
                turn.delivery = "push"
                await asyncio.to_thread(self.store.decide_push, key)
                self._spawn(self._push_when_ready(key, openid, turn))
            return None
        if not outcome.fresh:
            self._turns.pop(key, None)
            return outcome.texts[0] if outcome.texts else None
        if turn.delivery is None:
            turn.delivery = "passive"
            turn.passive_text = outcome.texts[0] if outcome.texts else None
            # Persist before answering, so a retry after a restart gets this same answer.
            await asyncio.shield(self._spawn(self._record_passive(key, openid, turn, outcome.texts)))
        # A retry while passive means WeChat never got the first answer: give the same one again.
        return turn.passive_text if turn.delivery == "passive" else None

    async def _claim_and_produce(
        self, key: str, openid: str, kind: str, asked: str | None, produce: Produce, budget_s: float
    ) -> _Outcome:
        try:
            if not await asyncio.to_thread(self.store.claim, key, openid, kind, asked, TURN_LEASE_S):
                return _Outcome(await self._answer_of_another_turn(key, budget_s), fresh=False)
            return _Outcome(await produce(), fresh=True)
        except BaseException:
            self._turns.pop(key, None)
            raise

    async def _answer_of_another_turn(self, key: str, budget_s: float) -> list[str]:
        """A retry of a message whose turn runs elsewhere (another worker, or before a restart): its passive
        reply if one is given within this delivery's budget; otherwise the answer is settled to be pushed."""
        deadline = asyncio.get_running_loop().time() + budget_s * 0.9
        while True:
            state = await asyncio.to_thread(self.store.state, key)
            if state is None or state.delivery == "push":
                return []
            if state.delivery == "passive":
                return [state.reply] if state.reply else []
            if asyncio.get_running_loop().time() >= deadline:
                if await asyncio.to_thread(self.store.decide_push, key):
                    return []
                state = await asyncio.to_thread(self.store.state, key)  # it went out passively just now
                return [state.reply] if state and state.reply else []
            await asyncio.sleep(POLL_S)

    async def _record_passive(self, key: str, openid: str, turn: _Turn, answer: list[str]) -> None:
        passive = await asyncio.to_thread(self.store.answer_passive, key, turn.passive_text, openid, answer[1:])
        if not passive:  # a retry elsewhere ran out of time first and settled on a push
            turn.delivery, turn.passive_text = "push", None
            await asyncio.to_thread(self.store.finish, key, "pushed", openid, answer, "bot")
        if not passive or answer[1:]:
            self.sender.wake()
        self._turns.pop(key, None)

    async def _push_when_ready(self, key: str, openid: str, turn: _Turn) -> None:
        try:
            outcome = await turn.task
        except Exception:
            logger.exception("wechat turn failed before its push")
            return
        if outcome.fresh:
            await asyncio.to_thread(self.store.finish, key, "pushed", openid, outcome.texts, "bot")
            self.sender.wake()
        self._turns.pop(key, None)

    async def _lease_loop(self, ready: Callable[[], Awaitable[bool]]) -> None:
        while True:
            try:
                await asyncio.to_thread(self.store.renew, [*self._turns, *self._recovering], TURN_LEASE_S)
                cut_short = await asyncio.to_thread(self.store.take_over_expired, TURN_LEASE_S)
                if cut_short:
                    self._recovering.update(row.key for row in cut_short)
                    self._spawn(self._answer_interrupted(cut_short, ready))
            except Exception:  # a database hiccup must not end the leases
                logger.exception("wechat: lease upkeep failed")
            await asyncio.sleep(RENEW_EVERY_S)

    async def _answer_interrupted(self, interrupted: list[WechatInbound], ready: Callable[[], Awaitable[bool]]) -> None:
        try:
            if any(row.text for row in interrupted):
                await _wait_for(ready, READY_WAIT_S)  # if it never comes, the worker is asked to resend
            for row in interrupted:
                if row.text is None:  # a fixed answer (welcome, "unsupported type"): too late to matter
                    await asyncio.to_thread(self.store.finish, row.key, "interrupted", row.openid, [], "bot")
                    continue
                answer = await self._bot_turn(row.openid, row.text, msg_id_of(row.key), resumed=True)
                await asyncio.to_thread(self.store.finish, row.key, "pushed", row.openid, answer, "bot")
                logger.info("wechat: answered message %s whose turn was cut short", row.key)
        finally:
            self._recovering.difference_update(row.key for row in interrupted)
        self.sender.wake()

    def _spawn(self, coro) -> asyncio.Task:
        task = asyncio.create_task(coro)
        self._background.add(task)
        task.add_done_callback(self._background.discard)
        return task


async def _wait_for(ready: Callable[[], Awaitable[bool]], timeout_s: float, interval_s: float = 2.0) -> None:
    deadline = asyncio.get_running_loop().time() + timeout_s
    while not await ready() and asyncio.get_running_loop().time() < deadline:
        await asyncio.sleep(interval_s)


def _fixed(text: str | None) -> Produce:
    async def produce() -> list[str]:
        return [text] if text else []

    return produce
