"""Database operations for the WeChat channel (synchronous; callers run them in a thread)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta, timezone

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from api.channels.wechat.models import WechatInbound, WechatOutbox, utcnow


class WechatStore:
    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self.sessions = sessions

    def claim(self, key: str, openid: str, kind: str, text: str | None) -> bool:
        """True for the first delivery of this message; False if it was taken before (even before a restart)."""
        with self.sessions() as db:
            db.add(WechatInbound(key=key, openid=openid, kind=kind, status="processing", text=text))
            try:
                db.commit()
            except IntegrityError:
                return False
        return True

    def interrupted(self) -> list[WechatInbound]:
        """Messages still being processed. Called before this process takes any: a crash cut them short."""
        with self.sessions() as db:
            rows = db.scalars(
                select(WechatInbound).where(WechatInbound.status == "processing").order_by(WechatInbound.created_at)
            )
            return list(rows)

    def stored_reply(self, key: str) -> str | None:
        """The passive reply already given to this message, so a retry gets the same answer again."""
        with self.sessions() as db:
            row = db.get(WechatInbound, key)
            return row.reply if row is not None and row.status == "passive" else None

    def finish(self, key: str, status: str, reply: str | None, openid: str, pushes: Sequence[str], source: str) -> None:
        """Record how the message was answered and queue any pushes, in one transaction."""
        with self.sessions() as db:
            row = db.get(WechatInbound, key)
            row.status, row.reply = status, reply
            db.add_all(_outbox_rows(openid, pushes, source))
            db.commit()

    def enqueue(self, openid: str, texts: Sequence[str], source: str) -> None:
        with self.sessions() as db:
            db.add_all(_outbox_rows(openid, texts, source))
            db.commit()

    def due(self, limit: int) -> list[WechatOutbox]:
        """Pending messages that may go now; a user's message waiting for a retry holds back their later ones."""
        now = utcnow().replace(tzinfo=None)
        blocked: set[str] = set()
        ready: list[WechatOutbox] = []
        with self.sessions() as db:
            pending = db.scalars(
                select(WechatOutbox).where(WechatOutbox.status == "pending").order_by(WechatOutbox.id).limit(limit * 4)
            )
            for row in pending:
                if row.openid in blocked:
                    continue
                if _naive(row.next_attempt_at) > now:
                    blocked.add(row.openid)
                    continue
                ready.append(row)
                if len(ready) >= limit:
                    break
        return ready

    def next_due_at(self) -> datetime | None:
        with self.sessions() as db:
            return db.scalar(
                select(WechatOutbox.next_attempt_at)
                .where(WechatOutbox.status == "pending")
                .order_by(WechatOutbox.next_attempt_at)
                .limit(1)
            )

    def mark_sent(self, outbox_id: int) -> None:
        with self.sessions() as db:
            row = db.get(WechatOutbox, outbox_id)
            row.status, row.sent_at, row.attempts = "sent", utcnow(), row.attempts + 1
            db.commit()

    def mark_failed_attempt(self, outbox_id: int, error: str, retry_in_s: float | None) -> None:
        """retry_in_s None: give up (the platform refused for good)."""
        with self.sessions() as db:
            row = db.get(WechatOutbox, outbox_id)
            row.attempts += 1
            row.last_error = error[:500]
            if retry_in_s is None:
                row.status = "failed"
            else:
                row.next_attempt_at = utcnow() + timedelta(seconds=retry_in_s)
            db.commit()


def _naive(moment: datetime) -> datetime:
    """SQLite returns naive datetimes, PostgreSQL aware ones; compare both as naive UTC."""
    return moment.astimezone(timezone.utc).replace(tzinfo=None) if moment.tzinfo else moment


def _outbox_rows(openid: str, texts: Sequence[str], source: str) -> list[WechatOutbox]:
    now = utcnow()
    return [
        WechatOutbox(openid=openid, content=text, source=source, status="pending", attempts=0, next_attempt_at=now)
        for text in texts
    ]
