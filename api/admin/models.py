"""Staff-managed knowledge items with their full version history, and the /admin audit trail."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from api.conversation.models import utcnow
from api.core.db import Base


class KbItem(Base):
    """A document, FAQ card or statute status that staff changed; repo defaults have no row until edited."""

    __tablename__ = "kb_items"
    __table_args__ = (UniqueConstraint("kind", "key", name="uq_kb_items_kind_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))  # policy | faq | corpus
    key: Mapped[str] = mapped_column(String(200))  # policy: file name; faq: card id; corpus: short title
    title: Mapped[str] = mapped_column(String(300), default="")
    status: Mapped[str] = mapped_column(String(32), default="in_force")
    current_version: Mapped[int] = mapped_column(Integer, default=1)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class KbItemVersion(Base):
    """Immutable text of one version (policy Markdown, FAQ card YAML, statute status YAML)."""

    __tablename__ = "kb_item_versions"
    __table_args__ = (UniqueConstraint("item_id", "number", name="uq_kb_item_versions_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("kb_items.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    content: Mapped[str] = mapped_column(Text)
    summary: Mapped[str] = mapped_column(String(300), default="")
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))  # None: the repo default
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class AdminAuditEntry(Base):
    """Who changed what in /admin, and when (documents, cards, index builds, rollbacks)."""

    __tablename__ = "admin_audit"

    id: Mapped[int] = mapped_column(primary_key=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    action: Mapped[str] = mapped_column(String(32))
    target: Mapped[str] = mapped_column(String(300), default="")
    detail: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
