"""FastAPI application factory: ``create_app(settings)`` wires every part from the settings passed in."""

from __future__ import annotations

import asyncio
import logging
from contextlib import asynccontextmanager

from fastapi import FastAPI
from threadpoolctl import threadpool_limits

from api.admin import mount_admin
from api.channels.lifecycle import include_channels, start_channels, stop_channels
from api.console import mount_console
from api.conversation.service import ConversationService
from api.core.db import make_sessions
from api.core.headers import SecurityHeaders
from api.core.limits import BodySizeLimit
from api.core.logging import configure_logging
from api.core.metrics import Metrics
from api.core.ratelimit import RateLimits
from api.core.request_id import RequestId
from api.core.settings import Settings
from api.core.signals import Signals
from api.nlu.client import RasaClient
from api.ops.state_metrics import ProductState
from api.routers import ask, auth, health, metrics
from api.web.session import LoginThrottle

logger = logging.getLogger(__name__)
FOLLOW_INDEX_S = 30.0  # how often a worker checks for an index version it missed the signal of


async def _load_knowledge_base(app: FastAPI, settings: Settings) -> None:
    from knowledge_base.service import KnowledgeBase

    if app.state.kb is not None:  # given by whoever created the app (tests share one loaded index)
        return
    try:
        app.state.kb = await asyncio.to_thread(KnowledgeBase.load, settings)
        logger.info("knowledge base loaded")
    except Exception:
        logger.exception("knowledge base failed to load; /healthz stays 503")


def reload_knowledge_base(app: FastAPI) -> None:
    """Switch this worker to the current index version (a no-op when it serves it already)."""
    from knowledge_base.service import KnowledgeBase

    if app.state.kb is None:
        app.state.kb = KnowledgeBase.load(app.state.settings)
    else:
        app.state.kb.reload()


async def _follow_index(app: FastAPI) -> None:
    """The "index" signal switches every worker at once; this catches a version whose signal a worker missed
    (it was restarting, Redis reconnecting, or the worker watching the build died)."""
    while True:
        await asyncio.sleep(FOLLOW_INDEX_S)
        if app.state.kb is not None:
            try:
                await asyncio.to_thread(app.state.kb.reload)
            except Exception:
                logger.exception("index: following the current version failed")


@asynccontextmanager
async def lifespan(app: FastAPI):
    settings: Settings = app.state.settings
    configure_logging(settings.log_dir, json_lines=settings.log_format == "json")
    loader = asyncio.create_task(_load_knowledge_base(app, settings))
    follower = asyncio.create_task(_follow_index(app))
    await start_channels(app)
    await app.state.signals.start()  # after every part registered what it listens to
    yield
    await stop_channels(app)
    for task in (loader, follower, *app.state.background):
        task.cancel()
    await app.state.signals.stop()
    await app.state.rasa.aclose()


def create_app(settings: Settings | None = None, rasa: RasaClient | None = None) -> FastAPI:
    """The app for ``settings`` (default: read from LABORBOT_* variables, as `uvicorn --factory` does);
    ``rasa`` replaces the client of the Rasa server (tests pass a fake one)."""
    settings = settings or Settings()
    settings.var_dir.mkdir(parents=True, exist_ok=True)
    # One BLAS thread: a question's matrix products are small, and spare BLAS threads spin on cores the
    # other questions, Rasa and the action server need (the card search took 6.2 ms of CPU with two, 3.7 with one).
    threadpool_limits(1, user_api="blas")
    app = FastAPI(title="laborbot 职工法律服务助手", lifespan=lifespan)
    app.state.settings = settings
    app.state.sessions = make_sessions(settings.sqlalchemy_url)
    app.state.rasa = rasa or RasaClient(settings.rasa_urls, settings.resolved_rasa_token(), settings.rasa_timeout_s)
    app.state.kb = None
    app.state.signals = Signals(settings.redis_url)
    app.state.background = set()  # tasks started by requests that outlive them (index build watchers)
    app.state.metrics = Metrics()
    app.state.metrics.register(ProductState(app.state.sessions, lambda: getattr(app.state.kb, "version", None)))
    app.state.limits = RateLimits(settings)
    app.state.login_throttle = LoginThrottle(app.state.limits)
    app.state.conversation = ConversationService(
        app.state.sessions, app.state.rasa, lambda: app.state.kb, app.state.metrics
    )
    app.state.cases = app.state.conversation.cases
    app.add_middleware(
        BodySizeLimit, max_bytes=settings.max_body_bytes, per_prefix={"/wechat": settings.wechat_max_body_bytes}
    )
    app.add_middleware(SecurityHeaders)
    app.add_middleware(RequestId)  # outermost: every line logged while serving carries the id
    for router in (health.router, metrics.router, auth.router, ask.router):
        app.include_router(router)
    mount_console(app)
    mount_admin(app, reload_knowledge_base)
    include_channels(app)
    return app
