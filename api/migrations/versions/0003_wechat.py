"""WeChat inbound de-duplication and customer-service outbox

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24
"""
import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "wechat_inbound",
        sa.Column("key", sa.String(128), primary_key=True),
        sa.Column("openid", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("reply", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_wechat_inbound_openid", "wechat_inbound", ["openid"])
    op.create_table(
        "wechat_outbox",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("openid", sa.String(64), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index("ix_wechat_outbox_openid", "wechat_outbox", ["openid"])
    op.create_index("ix_wechat_outbox_due", "wechat_outbox", ["status", "next_attempt_at"])


def downgrade() -> None:
    op.drop_index("ix_wechat_outbox_due", table_name="wechat_outbox")
    op.drop_index("ix_wechat_outbox_openid", table_name="wechat_outbox")
    op.drop_table("wechat_outbox")
    op.drop_index("ix_wechat_inbound_openid", table_name="wechat_inbound")
    op.drop_table("wechat_inbound")
