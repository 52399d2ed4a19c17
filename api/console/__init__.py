"""Lawyer console (/console): server-rendered pages over the case service; assets under api/static/console."""

from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

STATIC_DIR = Path(__file__).resolve().parents[1] / "static" / "console"


def mount_console(app: FastAPI) -> None:
    from api.console.views import router

    app.include_router(router)
    app.mount("/static/console", StaticFiles(directory=STATIC_DIR), name="console-static")
