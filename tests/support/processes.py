"""Real processes on 127.0.0.1 for the end-to-end journeys and the load benchmark: the web app
(restartable, killable) and Rasa + the action server, as the launcher starts them."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
from pathlib import Path

import httpx
from sqlalchemy import text

from api.core.db import make_engine
from api.core.migrate import upgrade_database
from api.core.settings import PROJECT_ROOT, Settings
from api.ops.launcher import Service, free_port, services
from api.ops.paths import MODELS_DIR
from tests.support.wait import wait_until


def local_settings(var_dir: Path, index_dir: Path, rasa_replicas: int = 1, **overrides) -> Settings:
    """Settings for the product's processes on free ports of 127.0.0.1, writing under ``var_dir`` and
    answering from the index versions in ``index_dir``."""
    return Settings(
        var_dir=var_dir,
        index_dir=index_dir,
        port=free_port(),
        rasa_url=f"http://127.0.0.1:{free_port_run(rasa_replicas)}",
        rasa_replicas=rasa_replicas,
        action_server_port=free_port(),
        **overrides,
    )


def free_port_run(count: int) -> int:
    """The first of ``count`` consecutive free ports (Rasa replicas listen on consecutive ports)."""
    while True:
        first = free_port()
        if all(_free(first + i) for i in range(1, count)):
            return first


def _free(port: int) -> bool:
    with socket.socket() as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


def process_tree(pid: int) -> list[int]:
    """The process and its descendants (uvicorn's workers under its supervisor), from /proc."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            parent = int(stat.read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        children.setdefault(parent, []).append(int(stat.parent.name))
    tree, todo = [], [pid]
    while todo:
        current = todo.pop()
        tree.append(current)
        todo += children.get(current, [])
    return tree


def _cmdline(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:  # ended meanwhile
        return b""


class Process:
    def __init__(self, service: Service, log_path: Path) -> None:
        self.service = service
        self.log_path = log_path
        self.popen: subprocess.Popen | None = None

    def start(self) -> None:
        log = open(self.log_path, "a", encoding="utf-8")
        self.popen = subprocess.Popen(
            self.service.cmd,
            cwd=PROJECT_ROOT,
            env=self.service.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def stop(self, timeout_s: float = 30.0) -> None:
        if self.popen is None or self.popen.poll() is not None:
            return
        os.killpg(self.popen.pid, signal.SIGTERM)
        try:
            self.popen.wait(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            self.kill()

    def kill(self) -> None:
        """SIGKILL, as in a crash: no shutdown, no draining."""
        if self.popen is not None and self.popen.poll() is None:
            os.killpg(self.popen.pid, signal.SIGKILL)
            self.popen.wait()

    def alive(self) -> bool:
        return self.popen is not None and self.popen.poll() is None


def product_services(settings: Settings, model: Path | None) -> dict[str, Service]:
    """The launcher's own service definitions (rasa, actions, app) for these settings."""
    return {service.name: service for service in services(settings, model or Path("none.tar.gz"))}


class AppServer:
    """The web app as `laborbot run` starts it, on its own port and database; can be restarted."""

    def __init__(self, settings: Settings, extra_env: dict[str, str] | None = None, healthy: bool = False) -> None:
        self.settings = settings
        self.healthy = healthy  # wait for /healthz 200 (bot, index, database), not just for serving
        service = product_services(settings, None)["app"]
        service.env = {**service.env, **(extra_env or {})}
        self.process = Process(service, settings.log_dir / "app-test.log")
        self.url = f"http://127.0.0.1:{settings.port}"
        self.engine = make_engine(settings.sqlalchemy_url)

    def start(self) -> AppServer:
        self.settings.log_dir.mkdir(parents=True, exist_ok=True)
        upgrade_database(self.settings.sqlalchemy_url)
        self.process.start()
        wait_until(self._serving, 120, 0.2, "the app to be ready")
        return self

    def stop(self) -> None:
        self.process.stop()

    def restart(self) -> None:
        self.stop()
        self.start()

    def crash(self) -> None:
        self.process.kill()

    def _serving(self) -> bool:
        assert self.process.alive(), f"app exited; see {self.process.log_path}"
        try:
            return httpx.get(f"{self.url}/healthz", timeout=2).status_code in ((200,) if self.healthy else (200, 503))
        except httpx.HTTPError:
            return False

    def worker_pids(self) -> list[int]:
        """The uvicorn worker processes serving the app (spawned by its supervisor with `--workers N`)."""
        return [pid for pid in process_tree(self.process.popen.pid) if b"spawn_main" in _cmdline(pid)]

    def rows(self, sql: str, **params) -> list[tuple]:
        with self.engine.connect() as conn:
            return [tuple(row) for row in conn.execute(text(sql), params)]


def latest_model() -> Path | None:
    models = sorted(MODELS_DIR.glob("laborbot-*.tar.gz"), key=lambda p: p.stat().st_mtime)
    return models[-1] if models else None


class BotStack:
    """Rasa (each replica) and the action server from the trained model, as the launcher starts them."""

    def __init__(self, settings: Settings, model: Path) -> None:
        self.settings = settings
        self.processes = [
            Process(service, settings.var_dir / f"{service.name}.log")
            for name, service in product_services(settings, model).items()
            if name != "app"
        ]

    def start(self, timeout_s: float = 300) -> BotStack:
        for process in self.processes:
            process.start()
        wait_until(self._ready, timeout_s, 1.0, "Rasa to load the model")
        return self

    def stop(self) -> None:
        for process in self.processes:
            process.stop()

    def pids(self) -> dict[str, int]:
        return {p.service.name: p.popen.pid for p in self.processes if p.popen is not None}

    def _ready(self) -> bool:
        assert all(p.alive() for p in self.processes), f"rasa/actions exited; see logs in {self.settings.var_dir}"
        return all(self._loaded(url) for url in self.settings.rasa_urls)

    def _loaded(self, url: str) -> bool:
        try:
            status = httpx.get(f"{url}/status", timeout=2, params={"token": self.settings.resolved_rasa_token()})
        except httpx.HTTPError:
            return False
        return status.status_code == 200 and bool(status.json().get("model_file"))
