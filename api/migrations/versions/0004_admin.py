"""staff-managed knowledge items, their versions, the admin audit trail, NLU topics of inbound messages

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def _when(name: str, nullable: bool = False) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "kb_items",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("key", sa.String(200), nullable=False),
        sa.Column("title", sa.String(300), nullable=False),
        sa.Column("status", sa.String(32), nullable=False),
        sa.Column("current_version", sa.Integer(), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=True),
        _when("created_at"),
        _when("updated_at"),
        sa.UniqueConstraint("kind", "key", name="uq_kb_items_kind_key"),
    )
    op.create_table(
        "kb_item_versions",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("item_id", sa.Integer(), sa.ForeignKey("kb_items.id"), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("summary", sa.String(300), nullable=False),
        sa.Column("author_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=True),
        _when("created_at"),
        sa.UniqueConstraint("item_id", "number", name="uq_kb_item_versions_number"),
    )
    op.create_index("ix_kb_item_versions_item_id", "kb_item_versions", ["item_id"])
    op.create_table(
        "admin_audit",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("actor_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=True),
        sa.Column("action", sa.String(32), nullable=False),
        sa.Column("target", sa.String(300), nullable=False),
        sa.Column("detail", sa.JSON(), nullable=False),
        _when("created_at"),
    )
    op.create_index("ix_admin_audit_actor_id", "admin_audit", ["actor_id"])
    op.create_index("ix_admin_audit_created_at", "admin_audit", ["created_at"])
    op.create_table(
        "message_topics",
        sa.Column("message_id", sa.Integer(), sa.ForeignKey("conversation_messages.id"), primary_key=True),
        sa.Column("intent", sa.String(64), nullable=False),
        sa.Column("confidence", sa.Float(), nullable=False),
        sa.Column("entities", sa.JSON(), nullable=False),
        _when("classified_at"),
    )
    op.create_index("ix_message_topics_intent", "message_topics", ["intent"])


def downgrade() -> None:
    op.drop_table("message_topics")
    op.drop_table("admin_audit")
    op.drop_table("kb_item_versions")
    op.drop_table("kb_items")
