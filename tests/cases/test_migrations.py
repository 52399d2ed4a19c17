"""Alembic upgrades an empty database to head, and the result matches the ORM models exactly."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from api.core.db import Base
from api.core.models import import_all_models

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
