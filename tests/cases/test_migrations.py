"""Alembic upgrades an empty database to head, and the result matches the ORM models exactly."""

import subprocess
import sys

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text

from api.core.db import Base, make_engine
from api.core.models import import_all_models
from api.core.settings import PROJECT_ROOT

CASE_TABLES = {
    "cases",
    "case_status_changes",
    "case_assignments",
    "case_notes",
    "case_audit",
    "conversation_messages",
    "processed_messages",
    "feedback",
}


def test_upgrade_to_head_matches_the_models(engine):
    import_all_models()
    assert CASE_TABLES <= set(inspect(engine).get_table_names())
    with engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), Base.metadata) == []


def test_workers_starting_together_migrate_once(postgres_url):
    """Several app workers (or pods) upgrading one empty PostgreSQL database at the same moment, each its own
    process (Alembic's context is one per process)."""
    upgrade = f"from api.core.migrate import upgrade_database; upgrade_database({postgres_url!r})"
    workers = [subprocess.Popen([sys.executable, "-c", upgrade], cwd=PROJECT_ROOT) for _ in range(4)]
    assert [worker.wait(timeout=120) for worker in workers] == [0] * 4  # none failed on another's new table
    engine = make_engine(postgres_url)
    with engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), Base.metadata) == []
        assert conn.execute(text("SELECT count(*) FROM alembic_version")).scalar() == 1
    engine.dispose()
