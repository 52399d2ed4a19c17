"""FastAPI application factory."""
from __future__ import annotations

import asyncio
import logging
from contextlib import asynccontextmanager

from fastapi import FastAPI

from api.admin import mount_admin
from api.cases.service import CaseService
from api.channels.lifecycle import include_channels, start_channels, stop_channels
from api.console import mount_console
from api.conversation.service import ConversationService
from api.core.db import get_sessionmaker
from api.core.limits import BodySizeLimit
from api.core.logging import configure_logging
from api.core.settings import Settings, get_settings
from api.nlu.client import RasaClient
from api.routers import ask, auth, health, internal

logger = logging.getLogger(__name__)


async def _load_knowledge_base(app: FastAPI, settings: Settings) -> None:
    from knowledge_base.service import KnowledgeBase

    try:
        app.state.kb = await asyncio.to_thread(KnowledgeBase.load, settings)
        logger.info("knowledge base loaded")
    except Exception:
        logger.exception("knowledge base failed to load; /healthz stays 503")


@asynccontextmanager
async def lifespan(app: FastAPI):
    settings: Settings = app.state.settings
    configure_logging(settings.log_dir)
    app.state.rasa = RasaClient(settings.rasa_url, settings.rasa_timeout_s)
    app.state.conversation = ConversationService(get_sessionmaker(), app.state.rasa)
    app.state.cases = CaseService(get_sessionmaker(), app.state.conversation)
    app.state.kb = None
    loader = asyncio.create_task(_load_knowledge_base(app, settings))
    await start_channels(app)
    yield
    await stop_channels(app)
    loader.cancel()
    await app.state.rasa.aclose()


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    app = FastAPI(title="laborbot 职工法律服务助手", lifespan=lifespan)
    app.state.settings = settings
    app.add_middleware(BodySizeLimit, max_bytes=settings.max_body_bytes)
    for router in (health.router, auth.router, ask.router, internal.router):
        app.include_router(router)
    mount_console(app)
    mount_admin(app)
    include_channels(app)
    return app
