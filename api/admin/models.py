"""Staff-managed knowledge items with their full version history, and the /admin audit trail."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, DateTime, Float, ForeignKey, Integer, String, Text, UniqueConstraint
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


class IndexJob(Base):
    """An index build started from /admin. Every app worker reads it; the worker that started the build
    watches the process and renews lease_until; a running job whose lease ran out lost its watcher."""

    __tablename__ = "index_jobs"

    id: Mapped[int] = mapped_column(primary_key=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    actor_name: Mapped[str] = mapped_column(String(128))
    full: Mapped[bool] = mapped_column(default=False)
    state: Mapped[str] = mapped_column(String(16), default="running")  # running | succeeded | failed
    running_slot: Mapped[int | None] = mapped_column(Integer, nullable=True, unique=True)  # 1 while running
    message: Mapped[str] = mapped_column(Text, default="")
    pid: Mapped[int | None] = mapped_column(Integer, nullable=True)
    progress_file: Mapped[str] = mapped_column(String(512))
    log_file: Mapped[str] = mapped_column(String(512))
    version_before: Mapped[str | None] = mapped_column(String(64), nullable=True)
    version_after: Mapped[str | None] = mapped_column(String(64), nullable=True)
    build_s: Mapped[float | None] = mapped_column(Float, nullable=True)
    swap_s: Mapped[float | None] = mapped_column(Float, nullable=True)
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    lease_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
