"""Persisted WeChat state: which inbound messages were already taken, and the push outbox."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from api.conversation.models import utcnow
from api.core.db import Base


class WechatInbound(Base):
    """One row per MsgId (events: FromUserName+CreateTime); its existence means "already taken"."""

    __tablename__ = "wechat_inbound"

    key: Mapped[str] = mapped_column(String(128), primary_key=True)
    openid: Mapped[str] = mapped_column(String(64), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    # processing -> passive (reply below went out in the HTTP answer) | pushed (via the outbox)
    #            | interrupted (cut short by a crash before a fixed answer; nothing was asked of the bot)
    status: Mapped[str] = mapped_column(String(16), default="processing")
    reply: Mapped[str | None] = mapped_column(Text, nullable=True)
    text: Mapped[str | None] = mapped_column(Text, nullable=True)  # what was asked of the bot, for crash recovery
    # The worker running the turn renews this; once it has run out the turn was cut short by a crash.
    lease_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    # passive | push: how the answer goes out, decided once by whichever worker's delivery gets there first
    delivery: Mapped[str | None] = mapped_column(String(16), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class WechatOutbox(Base):
    """Customer-service messages waiting to be pushed; survives restarts."""

    __tablename__ = "wechat_outbox"
    __table_args__ = (Index("ix_wechat_outbox_due", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    openid: Mapped[str] = mapped_column(String(64), index=True)
    content: Mapped[str] = mapped_column(Text)
    source: Mapped[str] = mapped_column(String(16))  # bot | lawyer | system
    status: Mapped[str] = mapped_column(String(16), default="pending")  # pending | sending | sent | failed
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    claimed_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)  # while sending
    last_error: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
