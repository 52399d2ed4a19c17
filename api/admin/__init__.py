"""Knowledge-base administration and insight for policy staff (/admin): server-rendered pages, assets under
api/static/admin, staff edits stored in the database and materialised into settings.kb_staff_dir."""

from collections.abc import Callable
from functools import partial
from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

STATIC_DIR = Path(__file__).resolve().parents[1] / "static" / "admin"


def mount_admin(app: FastAPI, reload_knowledge_base: Callable[[FastAPI], None]) -> None:
    """``reload_knowledge_base(app)``: switch the app's serving knowledge base to the current index version."""
    from api.admin.jobs import IndexJobs
    from api.admin.store import KnowledgeStore
    from api.admin.views import router

    settings, sessions = app.state.settings, app.state.sessions
    app.state.admin_store = KnowledgeStore(settings, sessions)
    app.state.index_jobs = IndexJobs(settings, sessions, app.state.signals, partial(reload_knowledge_base, app))
    app.include_router(router)
    app.mount("/static/admin", StaticFiles(directory=STATIC_DIR), name="admin-static")
