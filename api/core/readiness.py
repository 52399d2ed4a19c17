"""Whether the product can answer: the NLU model loaded, the knowledge-base index ready, the database up."""

from __future__ import annotations

from fastapi import FastAPI
from sqlalchemy import text
from sqlalchemy.orm import Session, sessionmaker


async def readiness_checks(app: FastAPI) -> dict[str, bool]:
    kb = app.state.kb
    return {
        "nlu_model": await app.state.rasa.model_loaded(),
        "kb_index": bool(kb is not None and kb.ready),
        "database": _database_answers(app.state.sessions),
    }


async def ready(app: FastAPI) -> bool:
    return all((await readiness_checks(app)).values())


def _database_answers(sessions: sessionmaker[Session]) -> bool:
    try:
        with sessions() as db:
            db.execute(text("SELECT 1"))
        return True
    except Exception:  # any driver error means "not ready"
        return False
