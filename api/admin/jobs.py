"""Index builds as background jobs in a separate process (`python -m knowledge_base.cli build`).

The build runs in its own process so a crash, an out-of-memory kill or a staff member's impatience cannot
take the web app down. It writes the next index version beside the serving one and swaps the `current`
pointer only after verifying it; then every app worker reloads (one reference swap each), told by the
"index" signal. A failed or killed build never touches the serving version. The jobs are rows in the
database, so every worker shows the same progress (the build reports it through a JSON file) and one
build runs at a time across workers; the worker that started a build watches it and holds a lease.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from api.admin import audit
from api.admin.models import IndexJob
from api.core.db import as_utc
from api.core.settings import PROJECT_ROOT, Settings
from api.core.signals import Signals
from api.users.models import User
from knowledge_base import index as kb_index

# % of the bar per stage; training the domain model takes most of a build whose card bank changed.
STAGE_SHARE = {
    "解析文档": (0, 3),
    "训练领域向量模型": (3, 60),
    "分词": (60, 65),
    "向量化": (65, 92),
    "置信度校准": (92, 100),
}
WATCH_LEASE_S = 30.0  # a running job nobody renewed for this long lost the worker watching it
RENEW_EVERY_S = 5.0
INDEX_SIGNAL = "index"


class JobRefused(RuntimeError):
    pass


def as_dict(job: IndexJob) -> dict:
    """The job as the admin page and its progress poll show it."""
    progress = _progress(Path(job.progress_file))
    stage = str(progress.get("stage", ""))
    low, high = next((v for k, v in STAGE_SHARE.items() if stage.startswith(k)), (0, 0))
    share = min(1.0, progress.get("done", 0) / max(progress.get("total", 1), 1))
    started = as_utc(job.started_at)
    return {
        "id": job.id,
        "state": job.state,
        "stage": stage,
        "done": progress.get("done", 0),
        "total": progress.get("total", 0),
        "percent": 100 if job.state == "succeeded" else round(low + (high - low) * share),
        "message": job.message,
        "pid": job.pid,
        "started_by": job.actor_name,
        "started_at": started.isoformat(timespec="seconds"),
        "elapsed_s": round(job.build_s if job.build_s is not None else _now() - started.timestamp(), 1),
        "build_s": job.build_s,
        "swap_s": job.swap_s,
        "version_before": job.version_before,
        "version_after": job.version_after,
    }


class IndexJobs:
    def __init__(
        self, settings: Settings, sessions: Callable[[], Session], signals: Signals, reload: Callable[[], None]
    ) -> None:
        """``reload``: switch this worker's serving knowledge base to the current version."""
        self.settings = settings
        self._sessions = sessions
        self.signals = signals
        self.reload = reload
        self.work_dir = Path(settings.var_dir) / "admin_jobs"
        signals.on(INDEX_SIGNAL, lambda _message: asyncio.to_thread(reload))

    def get(self, job_id: int) -> dict | None:
        self._reap()
        with self._sessions() as db:
            job = db.get(IndexJob, job_id)
            return as_dict(job) if job is not None else None

    def running(self) -> dict | None:
        self._reap()
        with self._sessions() as db:
            job = db.scalar(select(IndexJob).where(IndexJob.running_slot == 1))
            return as_dict(job) if job is not None else None

    def recent(self, limit: int = 5) -> list[dict]:
        self._reap()
        with self._sessions() as db:
            return [as_dict(job) for job in db.scalars(select(IndexJob).order_by(IndexJob.id.desc()).limit(limit))]

    def start(self, actor: User, full: bool = False) -> tuple[int, subprocess.Popen]:
        """Start a build; the caller watches it (``watch``) from this worker."""
        self._reap()
        self.work_dir.mkdir(parents=True, exist_ok=True)
        stamp = f"{os.getpid()}-{time.time_ns()}"
        with self._sessions() as db:
            job = IndexJob(
                actor_id=actor.id,
                actor_name=actor.display_name or actor.username,
                full=full,
                state="running",
                running_slot=1,  # unique: a second running build cannot be inserted, whichever worker tries
                progress_file=str(self.work_dir / f"build-{stamp}.json"),
                log_file=str(self.work_dir / f"build-{stamp}.log"),
                version_before=kb_index.current_version(self.settings.index_dir),
                lease_until=_lease(),
            )
            db.add(job)
            try:
                db.commit()
            except IntegrityError:
                raise JobRefused("已有一个重建任务正在进行，请等待它完成。") from None
            cmd = [sys.executable, "-m", "knowledge_base.cli", "build", "--progress-file", job.progress_file]
            if full:
                cmd.append("--full")
            with open(job.log_file, "w", encoding="utf-8") as log:
                popen = subprocess.Popen(
                    cmd, cwd=PROJECT_ROOT, env=self._env(), stdout=log, stderr=subprocess.STDOUT, start_new_session=True
                )
            job.pid = popen.pid
            db.commit()
            job_id = job.id
        self._audit(actor.id, "build_start", f"索引重建任务 #{job_id}", full=full, pid=popen.pid)
        return job_id, popen

    async def watch(self, job_id: int, popen: subprocess.Popen) -> None:
        """Wait for the build process, renewing the job's lease; on success every worker switches to the new
        version."""
        started = time.perf_counter()
        waiting = asyncio.create_task(asyncio.to_thread(popen.wait))
        while not waiting.done():
            await asyncio.to_thread(self._renew, job_id)
            await asyncio.wait([waiting], timeout=RENEW_EVERY_S)
        code = waiting.result()
        build_s = round(time.perf_counter() - started, 2)
        with self._sessions() as db:
            job = db.get(IndexJob, job_id)
            before, actor_id, log_file = job.version_before, job.actor_id, Path(job.log_file)
        after = kb_index.current_version(self.settings.index_dir)
        if code == 0 and after and after != before:
            swap_started = time.perf_counter()
            await asyncio.to_thread(self.reload)
            swap_s = round(time.perf_counter() - swap_started, 3)
            message = f"已启用新版本 {after}，用时 {build_s:.1f} 秒，切换 {swap_s:.2f} 秒。"
            self._finish(job_id, "succeeded", message, build_s, swap_s, after)
            await self.signals.publish(INDEX_SIGNAL, {"version": after})
            self._audit(
                actor_id, "build_done", f"索引重建任务 #{job_id}", version=after, build_s=build_s, swap_s=swap_s
            )
        else:
            message = self._failure(code, log_file) + f" 仍在使用原版本 {before or '（无）'}。"
            self._finish(job_id, "failed", message, build_s, None, None)
            self._audit(actor_id, "build_failed", f"索引重建任务 #{job_id}", code=code, message=message)

    async def rollback(self, actor: User, version: str | None = None) -> str:
        if await asyncio.to_thread(self.running) is not None:
            raise JobRefused("重建任务进行中，不能回滚，请等待它完成。")
        try:
            target = kb_index.rollback(self.settings.index_dir, version)
        except kb_index.BuildError as exc:
            raise JobRefused("没有可以回滚的旧版本。" if "no older" in str(exc) else f"无法回滚：{exc}") from None
        await asyncio.to_thread(self.reload)
        await self.signals.publish(INDEX_SIGNAL, {"version": target})
        await asyncio.to_thread(self._audit, actor.id, "rollback", f"索引版本 {target}", version=target)
        return target

    def versions(self) -> list[dict]:
        index_dir = self.settings.index_dir
        current = kb_index.current_version(index_dir)
        out = []
        for name in reversed(kb_index.list_versions(index_dir)):
            try:
                manifest = json.loads((index_dir / name / "manifest.json").read_text(encoding="utf-8"))
            except (OSError, ValueError):
                continue
            created = manifest.get("created")
            out.append(
                {
                    "version": name,
                    "created": datetime.fromisoformat(created) if created else None,
                    "counts": manifest.get("counts", {}),
                    "current": name == current,
                }
            )
        return out

    def _renew(self, job_id: int) -> None:
        with self._sessions() as db:
            db.execute(update(IndexJob).where(IndexJob.id == job_id).values(lease_until=_lease()))
            db.commit()

    def _finish(
        self, job_id: int, state: str, message: str, build_s: float, swap_s: float | None, after: str | None
    ) -> None:
        with self._sessions() as db:
            db.execute(
                update(IndexJob)
                .where(IndexJob.id == job_id)
                .values(
                    state=state,
                    running_slot=None,
                    message=message,
                    build_s=build_s,
                    swap_s=swap_s,
                    version_after=after,
                    lease_until=None,
                )
            )
            db.commit()

    def _reap(self) -> None:
        """A running job whose watcher stopped renewing its lease (that worker died) is over for the admin.
        Its build process may still finish and switch versions: every worker follows the pointer anyway
        (api.main), it is only not reported here."""
        with self._sessions() as db:
            db.execute(
                update(IndexJob)
                .where(IndexJob.running_slot == 1, IndexJob.lease_until < datetime.now(timezone.utc))
                .values(
                    state="failed",
                    running_slot=None,
                    message="负责跟踪这次重建的服务进程已停止，结果未知。若构建成功，新版本会在一分钟内自动启用；请稍后刷新页面查看当前版本，必要时重新构建。",
                )
            )
            db.commit()

    def _env(self) -> dict[str, str]:
        """The build reads exactly the app's sources and writes the app's index, whatever the environment says."""
        s = self.settings
        return {
            **os.environ,
            "LABORBOT_VAR_DIR": str(s.var_dir),
            "LABORBOT_INDEX_DIR": str(s.index_dir),
            "LABORBOT_CORPUS_DIR": str(s.corpus_dir),
            "LABORBOT_KB_DOCS_DIR": str(s.kb_docs_dir),
            "LABORBOT_KB_STAFF_DIR": str(s.kb_staff_dir),
            "PYTHONUNBUFFERED": "1",
        }

    @staticmethod
    def _failure(code: int, log_file: Path) -> str:
        if code < 0:
            return f"构建进程被终止（信号 {signal.Signals(-code).name}）。"
        try:
            lines = [ln.strip() for ln in log_file.read_text(encoding="utf-8").splitlines() if ln.strip()]
        except OSError:
            lines = []
        reason = next((ln for ln in reversed(lines) if "构建失败" in ln), lines[-1] if lines else "")
        return f"构建失败（退出码 {code}）：{reason[:300]}"

    def _audit(self, actor_id: int | None, action: str, target: str, **detail) -> None:
        with self._sessions() as db:
            actor = db.get(User, actor_id) if actor_id else None
            audit.record(db, actor, action, target, **detail)
            db.commit()


def _progress(progress_file: Path) -> dict:
    try:
        return json.loads(progress_file.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {"stage": "启动构建进程", "done": 0, "total": 1}


def _lease() -> datetime:
    return datetime.now(timezone.utc) + timedelta(seconds=WATCH_LEASE_S)


def _now() -> float:
    return datetime.now(timezone.utc).timestamp()
