from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from api.core.openapi import errors
from api.core.readiness import readiness_checks

router = APIRouter(tags=["health"])


@router.get("/healthz", responses=errors(503))
async def healthz(request: Request) -> JSONResponse:
    """200 only when the NLU model is loaded, the index is ready and the database answers."""
    checks = await readiness_checks(request.app)
    ok = all(checks.values())
    return JSONResponse({"status": "ok" if ok else "starting", "checks": checks}, status_code=200 if ok else 503)
