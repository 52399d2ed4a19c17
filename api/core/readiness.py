"""Whether the product can answer: the NLU model loaded, the knowledge-base index ready, the database up."""
from __future__ import annotations

from fastapi import FastAPI
from sqlalchemy import text

from api.core.db import get_engine


async def readiness_checks(app: FastAPI) -> dict[str, bool]:
    kb = app.state.kb
    return {
        "nlu_model": await app.state.rasa.model_loaded(),
        "kb_index": bool(kb is not None and kb.ready),
        "database": _database_answers(),
    }


async def ready(app: FastAPI) -> bool:
    return all((await readiness_checks(app)).values())


def _database_answers() -> bool:
    try:
        with get_engine().connect() as conn:
            conn.execute(text("SELECT 1"))
        return True
    except Exception:  # any driver error means "not ready"
        return False
