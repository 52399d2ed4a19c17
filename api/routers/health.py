from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from sqlalchemy import text

from api.core.db import get_engine

router = APIRouter(tags=["health"])


@router.get("/healthz")
async def healthz(request: Request) -> JSONResponse:
    """200 only when the NLU model is loaded, the index is ready and the database answers."""
    kb = request.app.state.kb
    checks = {
        "nlu_model": await request.app.state.rasa.model_loaded(),
        "kb_index": bool(kb is not None and kb.ready),
        "database": _database_answers(),
    }
    ok = all(checks.values())
    return JSONResponse({"status": "ok" if ok else "starting", "checks": checks}, status_code=200 if ok else 503)


def _database_answers() -> bool:
    try:
        with get_engine().connect() as conn:
            conn.execute(text("SELECT 1"))
        return True
    except Exception:  # any driver error means "not ready"
        return False
