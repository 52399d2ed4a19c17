"""Alembic environment: the URL comes from laborbot settings (or an explicit connection)."""

from alembic import context
from sqlalchemy import text

from api.core.db import Base, make_engine
from api.core.models import import_all_models
from api.core.settings import get_settings

import_all_models()
target_metadata = Base.metadata
MIGRATION_LOCK = 0x1AB0_2B07  # any fixed number this database uses for nothing else


def run_migrations() -> None:
    connection = context.config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = make_engine(context.config.get_main_option("sqlalchemy.url") or get_settings().sqlalchemy_url)
    with engine.connect() as conn:
        _run(conn)
    engine.dispose()


def _run(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        if connection.dialect.name == "postgresql":
            # Several app workers or pods may start at once: the first migrates, the others wait on this lock
            # (released with the transaction) and then find nothing left to do. SQLite locks the file anyway.
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})
        context.run_migrations()


run_migrations()
