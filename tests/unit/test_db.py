from sqlalchemy import text

from api.core.db import make_engine


def test_sqlite_database_directory_is_created_on_a_fresh_installation(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'new' / 'var' / 'laborbot.db'}")
    with engine.connect() as conn:
        assert conn.execute(text("SELECT 1")).scalar_one() == 1
