"""conversation messages, processed message ids, feedback, cases and their history

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def _when(name: str, nullable: bool = False) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "cases",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("channel", sa.String(32), nullable=False),
        sa.Column("user_id", sa.String(128), nullable=False),
        sa.Column("active_key", sa.String(170), nullable=True),
        sa.Column("topic", sa.String(64), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("district", sa.String(64), nullable=False),
        sa.Column("phone", sa.String(32), nullable=False),
        sa.Column("consent", sa.Boolean(), nullable=False),
        sa.Column("facts", sa.JSON(), nullable=False),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.Column("priority", sa.String(8), nullable=False),
        sa.Column("priority_rank", sa.Integer(), nullable=False),
        sa.Column("suggested_articles", sa.JSON(), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("status", sa.String(8), nullable=False),
        sa.Column("claimed_by_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=True),
        _when("claimed_at", nullable=True),
        _when("first_response_at", nullable=True),
        sa.Column("outcome", sa.String(32), nullable=False),
        sa.Column("outcome_note", sa.Text(), nullable=False),
        sa.Column("awaiting_feedback", sa.Boolean(), nullable=False),
        sa.Column("feedback_score", sa.Integer(), nullable=True),
        _when("opened_at"),
        _when("updated_at"),
        _when("closed_at", nullable=True),
        sa.UniqueConstraint("active_key"),
    )
    op.create_index("ix_cases_queue", "cases", ["status", "priority_rank", "opened_at"])

    op.create_table(
        "case_status_changes",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("case_id", sa.Integer(), sa.ForeignKey("cases.id"), nullable=False),
        sa.Column("from_status", sa.String(8), nullable=True),
        sa.Column("to_status", sa.String(8), nullable=False),
        sa.Column("actor_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=True),
        _when("created_at"),
    )
    op.create_table(
        "case_assignments",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("case_id", sa.Integer(), sa.ForeignKey("cases.id"), nullable=False),
        sa.Column("lawyer_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=False),
        sa.Column("assigned_by_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=False),
        _when("started_at"),
        _when("ended_at", nullable=True),
    )
    op.create_table(
        "case_notes",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("case_id", sa.Integer(), sa.ForeignKey("cases.id"), nullable=False),
        sa.Column("author_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        _when("created_at"),
    )
    op.create_table(
        "case_audit",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("case_id", sa.Integer(), sa.ForeignKey("cases.id"), nullable=False),
        sa.Column("actor_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=True),
        sa.Column("action", sa.String(32), nullable=False),
        sa.Column("detail", sa.JSON(), nullable=False),
        _when("created_at"),
    )
    for table in ("case_status_changes", "case_assignments", "case_notes", "case_audit"):
        op.create_index(f"ix_{table}_case_id", table, ["case_id"])

    op.create_table(
        "conversation_messages",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("channel", sa.String(32), nullable=False),
        sa.Column("user_id", sa.String(128), nullable=False),
        sa.Column("direction", sa.String(3), nullable=False),
        sa.Column("author", sa.String(16), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("case_id", sa.Integer(), sa.ForeignKey("cases.id"), nullable=True),
        _when("created_at"),
    )
    op.create_index("ix_conversation_messages_worker", "conversation_messages", ["channel", "user_id", "id"])
    op.create_index("ix_conversation_messages_case_id", "conversation_messages", ["case_id"])

    op.create_table(
        "processed_messages",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("channel", sa.String(32), nullable=False),
        sa.Column("message_id", sa.String(128), nullable=False),
        _when("created_at"),
        sa.UniqueConstraint("channel", "message_id", name="uq_processed_messages_channel_id"),
    )
    op.create_table(
        "feedback",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("channel", sa.String(32), nullable=False),
        sa.Column("user_id", sa.String(128), nullable=False),
        sa.Column("about", sa.String(16), nullable=False),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("case_id", sa.Integer(), sa.ForeignKey("cases.id"), nullable=True),
        _when("created_at"),
    )
    op.create_index("ix_feedback_case_id", "feedback", ["case_id"])


def downgrade() -> None:
    for table in (
        "feedback",
        "processed_messages",
        "conversation_messages",
        "case_audit",
        "case_notes",
        "case_assignments",
        "case_status_changes",
        "cases",
    ):
        op.drop_table(table)
