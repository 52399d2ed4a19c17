"""GET /metrics: Prometheus' text format (api/core/metrics.py, api/ops/state_metrics.py)."""

import hmac

from fastapi import APIRouter, HTTPException, Request, status
from fastapi.responses import Response

from api.core.openapi import errors

router = APIRouter(tags=["health"])


@router.get("/metrics", response_class=Response, responses=errors(401))
async def metrics(request: Request) -> Response:
    """Turn latency, stage timings, escalations, the outbox and the lawyers' queue, the index version."""
    token = request.app.state.settings.metrics_token
    given = request.headers.get("authorization", "").removeprefix("Bearer ").strip()
    if token and not hmac.compare_digest(given.encode(), token.encode()):
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, detail="需要监控令牌")
    body = request.app.state.metrics.exposition()
    return Response(body, media_type=request.app.state.metrics.content_type)
