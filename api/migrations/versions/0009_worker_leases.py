"""Several app workers share the WeChat turns, the outbox and the index builds: leases and claims in the database

- wechat_inbound.lease_until: the worker running a turn renews it; a turn whose lease ran out was cut short
  by a crash and another worker answers it.
- wechat_inbound.delivery: passive | push, decided once by whichever worker gets there first.
- wechat_outbox.claimed_until: a worker sending a message holds it ("sending") until then.
- index_jobs: the admin's index builds, seen by every worker; running_slot (unique, NULL when done) lets only
  one run at a time.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-30
"""
import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("wechat_inbound") as batch:
        batch.add_column(sa.Column("lease_until", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("delivery", sa.String(16), nullable=True))
    with op.batch_alter_table("wechat_outbox") as batch:
        batch.add_column(sa.Column("claimed_until", sa.DateTime(timezone=True), nullable=True))
    op.create_table(
        "index_jobs",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("actor_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=True),
        sa.Column("actor_name", sa.String(128), nullable=False),
        sa.Column("full", sa.Boolean(), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("running_slot", sa.Integer(), nullable=True, unique=True),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("pid", sa.Integer(), nullable=True),
        sa.Column("progress_file", sa.String(512), nullable=False),
        sa.Column("log_file", sa.String(512), nullable=False),
        sa.Column("version_before", sa.String(64), nullable=True),
        sa.Column("version_after", sa.String(64), nullable=True),
        sa.Column("build_s", sa.Float(), nullable=True),
        sa.Column("swap_s", sa.Float(), nullable=True),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("lease_until", sa.DateTime(timezone=True), nullable=True),
    )


def downgrade() -> None:
    op.drop_table("index_jobs")
    with op.batch_alter_table("wechat_outbox") as batch:
        batch.drop_column("claimed_until")
    with op.batch_alter_table("wechat_inbound") as batch:
        batch.drop_column("delivery")
        batch.drop_column("lease_until")
