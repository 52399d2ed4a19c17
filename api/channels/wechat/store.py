"""Database operations for the WeChat channel (synchronous; callers run them in a thread).

Several app workers share these tables, so everything one worker must do alone is a claim in the
database: the first delivery of a message (its primary key), the right to answer a turn that a crash cut
short (its lease ran out), how the answer goes out (a conditional update), and each outbox message being
sent (FOR UPDATE SKIP LOCKED on PostgreSQL; SQLite serialises writers anyway).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, exists, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, aliased, sessionmaker

from api.channels.wechat.models import WechatInbound, WechatOutbox, utcnow
from api.core.db import as_utc

SENDING_LEASE_S = 60.0  # a worker that died while sending: the message is sent again after this


@dataclass(frozen=True)
class InboundState:
    status: str  # processing | passive | pushed | interrupted
    delivery: str | None  # passive | push, once decided
    reply: str | None  # the passive reply, once given


class WechatStore:
    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self.sessions = sessions

    # --- inbound messages ---------------------------------------------------------------------------------

    def claim(self, key: str, openid: str, kind: str, text: str | None, lease_s: float) -> bool:
        """True for the first delivery of this message; False if it was taken before (here, by another
        worker, or before a restart)."""
        with self.sessions() as db:
            db.add(
                WechatInbound(
                    key=key, openid=openid, kind=kind, status="processing", text=text, lease_until=_in(lease_s)
                )
            )
            try:
                db.commit()
            except IntegrityError:
                return False
        return True

    def renew(self, keys: Sequence[str], lease_s: float) -> None:
        """The turns of ``keys`` are still running here."""
        if not keys:
            return
        with self.sessions() as db:
            db.execute(
                update(WechatInbound)
                .where(WechatInbound.key.in_(keys), WechatInbound.status == "processing")
                .values(lease_until=_in(lease_s))
            )
            db.commit()

    def take_over_expired(self, lease_s: float, limit: int = 50) -> list[WechatInbound]:
        """Messages still being processed whose lease ran out (the worker running them died), oldest first;
        each is taken by exactly one worker."""
        now = utcnow()
        expired = and_(
            WechatInbound.status == "processing",
            or_(WechatInbound.lease_until.is_(None), WechatInbound.lease_until < now),
        )
        taken = []
        with self.sessions() as db:
            rows = db.scalars(select(WechatInbound).where(expired).order_by(WechatInbound.created_at).limit(limit))
            for row in list(rows):
                won = db.execute(
                    update(WechatInbound)
                    .where(WechatInbound.key == row.key, expired)
                    .values(lease_until=_in(lease_s))
                    .execution_options(synchronize_session=False)
                )
                db.commit()
                if won.rowcount == 1:
                    taken.append(row)
        return taken

    def state(self, key: str) -> InboundState | None:
        with self.sessions() as db:
            row = db.get(WechatInbound, key)
            return None if row is None else InboundState(row.status, row.delivery, row.reply)

    def decide_push(self, key: str) -> bool:
        """Whoever's delivery ran out of time first: the answer will be pushed. False if it already went
        out passively."""
        with self.sessions() as db:
            done = db.execute(
                update(WechatInbound)
                .where(WechatInbound.key == key, WechatInbound.delivery.is_(None))
                .values(delivery="push")
            )
            db.commit()
            if done.rowcount == 1:
                return True
            return db.scalar(select(WechatInbound.delivery).where(WechatInbound.key == key)) == "push"

    def answer_passive(self, key: str, reply: str | None, openid: str, rest: Sequence[str]) -> bool:
        """Record the passive answer (and queue the rest of the turn's texts) unless the answer was already
        decided to be pushed; False then, and nothing changed."""
        with self.sessions() as db:
            done = db.execute(
                update(WechatInbound)
                .where(WechatInbound.key == key, WechatInbound.delivery.is_(None))
                .values(delivery="passive", status="passive", reply=reply, lease_until=None)
            )
            if done.rowcount != 1:
                db.rollback()
                return False
            db.add_all(_outbox_rows(openid, rest, "bot"))
            db.commit()
        return True

    def finish(self, key: str, status: str, openid: str, pushes: Sequence[str], source: str) -> None:
        """Record how the message ended (pushed | interrupted) and queue its pushes, in one transaction."""
        with self.sessions() as db:
            db.execute(
                update(WechatInbound)
                .where(WechatInbound.key == key)
                .values(status=status, delivery="push", lease_until=None)
            )
            db.add_all(_outbox_rows(openid, pushes, source))
            db.commit()

    # --- the outbox ---------------------------------------------------------------------------------------

    def enqueue(self, openid: str, texts: Sequence[str], source: str) -> None:
        with self.sessions() as db:
            db.add_all(_outbox_rows(openid, texts, source))
            db.commit()

    def claim_due(self, limit: int) -> list[WechatOutbox]:
        """Claim, for this worker, the messages that may go now: each user's oldest unsent one (so a user's
        messages go out in order, and one waiting for a retry holds back the later ones)."""
        now = utcnow()
        outbox, earlier = WechatOutbox, aliased(WechatOutbox)
        claimable = or_(
            and_(outbox.status == "pending", outbox.next_attempt_at <= now),
            and_(outbox.status == "sending", outbox.claimed_until < now),
        )
        waits_behind = exists().where(
            earlier.openid == outbox.openid, earlier.id < outbox.id, earlier.status.in_(("pending", "sending"))
        )
        with self.sessions() as db:
            rows = list(
                db.scalars(
                    select(outbox)
                    .where(claimable, ~waits_behind)
                    .order_by(outbox.id)
                    .limit(limit)
                    .with_for_update(skip_locked=True, of=outbox)
                )
            )
            won = []
            for row in rows:  # conditional, so two SQLite writers (no row locks there) cannot both win
                done = db.execute(
                    update(outbox)
                    .where(outbox.id == row.id, claimable)
                    .values(status="sending", claimed_until=_in(SENDING_LEASE_S))
                    .execution_options(synchronize_session=False)
                )
                if done.rowcount == 1:
                    won.append(row)
            db.commit()
        return won

    def next_due_at(self) -> datetime | None:
        """When the next message may be claimed (a retry falls due, or a dead worker's claim runs out)."""
        with self.sessions() as db:
            pending = db.scalar(
                select(WechatOutbox.next_attempt_at)
                .where(WechatOutbox.status == "pending")
                .order_by(WechatOutbox.next_attempt_at)
                .limit(1)
            )
            sending = db.scalar(
                select(WechatOutbox.claimed_until)
                .where(WechatOutbox.status == "sending")
                .order_by(WechatOutbox.claimed_until)
                .limit(1)
            )
        moments = [as_utc(m) for m in (pending, sending) if m is not None]
        return min(moments) if moments else None

    def mark_sent(self, outbox_id: int) -> None:
        with self.sessions() as db:
            row = db.get(WechatOutbox, outbox_id)
            row.status, row.sent_at, row.attempts, row.claimed_until = "sent", utcnow(), row.attempts + 1, None
            db.commit()

    def mark_failed_attempt(self, outbox_id: int, error: str, retry_in_s: float | None) -> None:
        """retry_in_s None: give up (the platform refused for good)."""
        with self.sessions() as db:
            row = db.get(WechatOutbox, outbox_id)
            row.attempts += 1
            row.last_error = error[:500]
            row.claimed_until = None
            if retry_in_s is None:
                row.status = "failed"
            else:
                row.status, row.next_attempt_at = "pending", _in(retry_in_s)
            db.commit()


def _in(seconds: float) -> datetime:
    return utcnow() + timedelta(seconds=seconds)


def _outbox_rows(openid: str, texts: Sequence[str], source: str) -> list[WechatOutbox]:
    now = utcnow()
    return [
        WechatOutbox(openid=openid, content=text, source=source, status="pending", attempts=0, next_attempt_at=now)
        for text in texts
    ]
