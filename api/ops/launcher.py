"""Start Rasa, the action server and the web app on 127.0.0.1; stop them all together.

Each process writes its own log under var/log; Ctrl-C (or SIGTERM) stops every process started here.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import httpx
from sqlalchemy import make_url

from api.core.settings import PROJECT_ROOT, Settings
from api.ops.paths import RASA_PYTHON


def free_port() -> int:
    """A TCP port on 127.0.0.1 nothing listens on now (for tests and benchmarks that start services)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Service:
    name: str
    cmd: list[str]
    env: dict[str, str]


def settings_env(settings: Settings) -> dict[str, str]:
    """The settings as LABORBOT_* variables, so every child process sees the same configuration."""
    values = settings.model_dump(exclude={"secret_key", "rasa_token"})
    return {f"LABORBOT_{key.upper()}": str(value) for key, value in values.items()}


def services(settings: Settings, model: Path, root: Path = PROJECT_ROOT) -> list[Service]:
    """The processes of the product, running the code at ``root`` (a benchmark may run an earlier commit)."""
    common = {
        **os.environ,
        **settings_env(settings),
        "PYTHONPATH": str(root),
        "TF_CPP_MIN_LOG_LEVEL": "2",
        "RASA_TELEMETRY_ENABLED": "false",
    }
    return [
        *(rasa_service(settings, model, common, replica) for replica in range(settings.rasa_replicas)),
        Service(
            "actions",
            [
                str(RASA_PYTHON),
                "-m",
                "rasa_sdk",
                "--actions",
                "actions",
                "--port",
                str(settings.action_server_port),
                "--cors",
                "",
            ],
            {**common, "SANIC_HOST": settings.host},
        ),
        Service(
            "app",
            [
                sys.executable,
                "-m",
                "uvicorn",
                "api.main:create_app",
                "--factory",
                "--host",
                settings.host,
                "--port",
                str(settings.port),
                "--log-level",
                "info",
                "--workers",
                str(settings.workers),
            ],
            {**common, **_shared_metrics(settings)},
        ),
    ]


def metrics_dir(settings: Settings) -> Path:
    """Where several app workers add up their Prometheus counts (api/core/metrics.py)."""
    return settings.var_dir / "metrics"


def _shared_metrics(settings: Settings) -> dict[str, str]:
    return {"PROMETHEUS_MULTIPROC_DIR": str(metrics_dir(settings))} if settings.workers > 1 else {}


def rasa_service(settings: Settings, model: Path, common: dict[str, str], replica: int) -> Service:
    """Rasa replica ``replica`` (0-based) on its own port. With PostgreSQL and Redis configured, every replica
    keeps trackers in that database and takes Redis locks (deploy/k8s/rasa-endpoints.yml, as deployed), so
    any replica can serve any conversation; otherwise each has its own SQLite tracker file (the app keeps
    each conversation on one replica)."""
    port = httpx.URL(settings.rasa_urls[replica]).port or 5005
    suffix = "" if replica == 0 else f"-{replica + 1}"
    endpoints, stores = _rasa_stores(settings, suffix)
    return Service(
        f"rasa{suffix}",
        [
            str(RASA_PYTHON),
            "-m",
            "rasa_plugins.serve",
            "run",
            "--enable-api",
            "--interface",
            settings.host,
            "--port",
            str(port),
            "--model",
            str(model),
            "--endpoints",
            endpoints,
            "--credentials",
            "bot/credentials.yml",
        ],
        {
            **common,
            **stores,
            "LABORBOT_RASA_TOKEN": settings.resolved_rasa_token(),
            "ACTION_SERVER_URL": f"http://{settings.host}:{settings.action_server_port}/webhook",
        },
    )


def _rasa_stores(settings: Settings, suffix: str) -> tuple[str, dict[str, str]]:
    """Rasa's endpoints file and the variables it reads."""
    database = make_url(settings.sqlalchemy_url)
    if not (database.get_backend_name() == "postgresql" and settings.redis_url):
        return "bot/endpoints.yml", {"RASA_TRACKER_DB": str(settings.var_dir / f"rasa_tracker{suffix}.db")}
    redis = make_url(settings.redis_url)
    return "deploy/k8s/rasa-endpoints.yml", {
        "RASA_DB_HOST": database.host or "127.0.0.1",
        "RASA_DB_PORT": str(database.port or 5432),
        "RASA_DB_NAME": database.database or "postgres",
        "RASA_DB_USER": database.username or "postgres",
        "RASA_DB_PASSWORD": database.password or "",
        "RASA_REDIS_HOST": redis.host or "127.0.0.1",
        "RASA_REDIS_PORT": str(redis.port or 6379),
        "RASA_REDIS_DB": str(int(redis.database or 0) + 1),  # beside the app's keys, not among them
    }


class Supervisor:
    def __init__(self, settings: Settings, root: Path = PROJECT_ROOT) -> None:
        self.settings = settings
        self.root = root
        self.procs: dict[str, subprocess.Popen] = {}
        self.model: Path | None = None

    def start(self, model: Path, only: set[str] | None = None) -> None:
        self.settings.log_dir.mkdir(parents=True, exist_ok=True)
        counts = metrics_dir(self.settings)  # counts of an earlier run are not this run's
        shutil.rmtree(counts, ignore_errors=True)
        counts.mkdir(parents=True, exist_ok=True)
        self.model = model
        for service in services(self.settings, model, self.root):
            if only is None or service.name in only:
                self._spawn(service)

    def restart(self, name: str) -> None:
        """Start a service again after it died (the app's own workers are restarted by uvicorn)."""
        service = next(s for s in services(self.settings, self.model, self.root) if s.name == name)
        self._spawn(service)

    def _spawn(self, service: Service) -> None:
        log = open(self.settings.log_dir / f"{service.name}.log", "a", encoding="utf-8")
        self.procs[service.name] = subprocess.Popen(
            service.cmd,
            cwd=self.root,
            env=service.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # Ctrl-C reaches us once; we stop the children in order
        )

    def wait_healthy(self, timeout_s: float = 300.0) -> bool:
        return self.wait_for(f"http://{self.settings.host}:{self.settings.port}/healthz", timeout_s)

    def wait_for(self, url: str, timeout_s: float = 300.0) -> bool:
        """Poll url until it answers 200; False if it does not in time or a process died."""
        return self._wait(lambda: httpx.get(url, timeout=2.0).status_code == 200, timeout_s)

    def rasa_http(self) -> httpx.Client:
        """A client for the Rasa server started here (it answers only requests carrying the shared token)."""
        return httpx.Client(
            base_url=self.settings.rasa_url, timeout=30, params={"token": self.settings.resolved_rasa_token()}
        )

    def wait_for_rasa(self, timeout_s: float = 300.0) -> bool:
        """Wait until every Rasa replica has loaded its model."""
        token = {"token": self.settings.resolved_rasa_token()}

        def loaded(url: str) -> bool:
            return bool(httpx.get(f"{url}/status", params=token, timeout=2.0).json().get("model_file"))

        return self._wait(lambda: all(loaded(url) for url in self.settings.rasa_urls), timeout_s)

    def _wait(self, ready: Callable[[], bool], timeout_s: float) -> bool:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.crashed():
                return False
            try:
                if ready():
                    return True
            except (httpx.HTTPError, ValueError):
                pass
            time.sleep(1.0)
        return False

    def crashed(self) -> list[str]:
        return [name for name, proc in self.procs.items() if proc.poll() is not None]

    def stop(self) -> None:
        for proc in self.procs.values():
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
        deadline = time.monotonic() + 15
        for proc in self.procs.values():
            try:
                proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)


class RestartBudget:
    """At most ``times`` restarts of one service within ``window_s``: a service that keeps dying (a broken
    model, a port taken) stops the product instead of restarting forever."""

    def __init__(self, times: int = 5, window_s: float = 300.0) -> None:
        self.times = times
        self.window_s = window_s
        self._restarts: dict[str, list[float]] = {}

    def allow(self, name: str) -> bool:
        now = time.monotonic()
        recent = [t for t in self._restarts.get(name, []) if now - t < self.window_s]
        self._restarts[name] = recent + [now]
        return len(recent) < self.times
