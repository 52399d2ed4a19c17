"""Knowledge-base administration and insight for policy staff (/admin): server-rendered pages, assets under
api/static/admin, staff edits stored in the database and materialised into settings.kb_staff_dir."""

from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

STATIC_DIR = Path(__file__).resolve().parents[1] / "static" / "admin"


def mount_admin(app: FastAPI) -> None:
    from api.admin.jobs import IndexJobs
    from api.admin.store import KnowledgeStore
    from api.admin.views import router

    settings, sessions = app.state.settings, app.state.sessions
    app.state.admin_store = KnowledgeStore(settings, sessions)
    app.state.index_jobs = IndexJobs(app, settings, sessions)
    app.include_router(router)
    app.mount("/static/admin", StaticFiles(directory=STATIC_DIR), name="admin-static")
