"""The topic of each worker message is recorded when the bot answers it (the message's payload), so the
separate message_topics table, filled later by asking the NLU again, goes

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-30
"""
import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_table("message_topics")


def downgrade() -> None:
    op.create_table(
        "message_topics",
        sa.Column("message_id", sa.Integer(), sa.ForeignKey("conversation_messages.id"), primary_key=True),
        sa.Column("intent", sa.String(64), nullable=False),
        sa.Column("confidence", sa.Float(), nullable=False),
        sa.Column("entities", sa.JSON(), nullable=False),
        sa.Column("classified_at", sa.DateTime(timezone=True), nullable=False),
    )
