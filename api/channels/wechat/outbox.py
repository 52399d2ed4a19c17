"""Background sender for the persisted outbox: in order per user, retried with backoff, one sender per app
worker (the store's claims keep two workers from sending the same message)."""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime, timezone

from api.channels.wechat.cs_client import CustomerServiceClient, PushError
from api.channels.wechat.models import WechatOutbox
from api.channels.wechat.store import WechatStore

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 10
MAX_BACKOFF_S = 300.0
IDLE_POLL_S = 30.0
BATCH = 50


def backoff_s(attempts: int) -> float:
    """Delay before the next try after `attempts` failures: 1, 2, 4 … 300 s."""
    return min(2.0 ** (attempts - 1), MAX_BACKOFF_S)


class OutboxSender:
    def __init__(self, store: WechatStore, client: CustomerServiceClient) -> None:
        self.store = store
        self.client = client
        self._wake = asyncio.Event()

    def wake(self) -> None:
        self._wake.set()

    async def run(self) -> None:
        while True:
            try:
                await self.drain_once()
                wait_s = await asyncio.to_thread(self._seconds_until_next_due)
            except Exception:  # a database hiccup must not kill the sender
                logger.exception("wechat outbox: drain failed")
                wait_s = 5.0
            self._wake.clear()
            try:  # asyncio.timeout, not wait_for: on Python 3.11 wait_for can swallow a cancellation that
                # arrives as the event is set, and the sender would then outlive the app's shutdown
                async with asyncio.timeout(wait_s):
                    await self._wake.wait()
            except TimeoutError:
                pass

    async def drain_once(self) -> None:
        # Each claim holds at most one message per user (the oldest), so a user's messages keep their order
        # whichever worker sends them; the next one is claimable once this one is sent.
        while rows := await asyncio.to_thread(self.store.claim_due, BATCH):
            await asyncio.gather(*(self._send(row) for row in rows))

    async def _send(self, row: WechatOutbox) -> None:
        try:
            await self.client.send_text(row.openid, row.content)
        except PushError as exc:
            attempts = row.attempts + 1
            give_up = exc.permanent or attempts >= MAX_ATTEMPTS
            logger.warning("wechat outbox %s attempt %s failed: %s", row.id, attempts, exc)
            await asyncio.to_thread(
                self.store.mark_failed_attempt, row.id, str(exc), None if give_up else backoff_s(attempts)
            )
            return
        await asyncio.to_thread(self.store.mark_sent, row.id)

    def _seconds_until_next_due(self) -> float:
        due = self.store.next_due_at()
        if due is None:
            return IDLE_POLL_S
        return min(max((due - datetime.now(timezone.utc)).total_seconds(), 0.05), IDLE_POLL_S)
