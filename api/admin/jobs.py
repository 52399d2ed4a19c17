"""Index builds as background jobs in a separate process (`python -m knowledge_base.cli build`).

The build runs in its own process so a crash, an out-of-memory kill or a staff member's impatience cannot
take the web app down. It writes the next index version beside the serving one and swaps the `current`
pointer only after verifying it; the app then reloads (one reference swap). A failed or killed build
never touches the serving version. One build at a time; the process reports progress through a JSON file.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from sqlalchemy.orm import Session

from api.admin import audit
from api.core.settings import PROJECT_ROOT, Settings
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


class JobRefused(RuntimeError):
    pass


@dataclass
class BuildJob:
    id: int
    actor_id: int
    actor_name: str
    started_at: datetime
    progress_file: Path
    log_file: Path
    version_before: str | None
    popen: subprocess.Popen | None = None
    state: str = "running"  # running | succeeded | failed
    message: str = ""
    version_after: str | None = None
    build_s: float | None = None
    swap_s: float | None = None
    task: asyncio.Task | None = None  # the watcher; kept here so it is not garbage-collected
    _t0: float = field(default_factory=time.perf_counter)

    def progress(self) -> dict:
        try:
            return json.loads(self.progress_file.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {"stage": "启动构建进程", "done": 0, "total": 1}

    def as_dict(self) -> dict:
        p = self.progress()
        stage = str(p.get("stage", ""))
        low, high = next((v for k, v in STAGE_SHARE.items() if stage.startswith(k)), (0, 0))
        share = min(1.0, p.get("done", 0) / max(p.get("total", 1), 1))
        return {
            "id": self.id,
            "state": self.state,
            "stage": stage,
            "done": p.get("done", 0),
            "total": p.get("total", 0),
            "percent": 100 if self.state == "succeeded" else round(low + (high - low) * share),
            "message": self.message,
            "pid": self.popen.pid if self.popen else None,
            "started_by": self.actor_name,
            "started_at": self.started_at.isoformat(timespec="seconds"),
            "elapsed_s": round(self.build_s if self.build_s is not None else time.perf_counter() - self._t0, 1),
            "build_s": self.build_s,
            "swap_s": self.swap_s,
            "version_before": self.version_before,
            "version_after": self.version_after,
        }


class IndexJobs:
    def __init__(self, app, settings: Settings, sessions: Callable[[], Session]) -> None:
        self.app = app
        self.settings = settings
        self._sessions = sessions
        self.jobs: dict[int, BuildJob] = {}
        self._lock = threading.Lock()
        self.work_dir = Path(settings.var_dir) / "admin_jobs"

    @property
    def running(self) -> BuildJob | None:
        return next((j for j in self.jobs.values() if j.state == "running"), None)

    def start(self, actor: User, full: bool = False) -> BuildJob:
        with self._lock:
            if self.running is not None:
                raise JobRefused("已有一个重建任务正在进行，请等待它完成。")
            job_id = max(self.jobs, default=0) + 1
            self.work_dir.mkdir(parents=True, exist_ok=True)
            job = BuildJob(
                id=job_id,
                actor_id=actor.id,
                actor_name=actor.display_name or actor.username,
                started_at=datetime.now(timezone.utc),
                progress_file=self.work_dir / f"build-{os.getpid()}-{job_id}.json",
                log_file=self.work_dir / f"build-{os.getpid()}-{job_id}.log",
                version_before=kb_index.current_version(self.settings.index_dir),
            )
            job.progress_file.unlink(missing_ok=True)
            cmd = [sys.executable, "-m", "knowledge_base.cli", "build", "--progress-file", str(job.progress_file)]
            if full:
                cmd.append("--full")
            with job.log_file.open("w", encoding="utf-8") as log:
                job.popen = subprocess.Popen(
                    cmd, cwd=PROJECT_ROOT, env=self._env(), stdout=log, stderr=subprocess.STDOUT, start_new_session=True
                )
            self.jobs[job_id] = job
        self._audit(actor.id, "build_start", f"索引重建任务 #{job_id}", full=full, pid=job.popen.pid)
        return job

    async def watch(self, job: BuildJob) -> None:
        """Wait for the build process; on success swap the app's knowledge base to the new version."""
        code = await asyncio.to_thread(job.popen.wait)
        job.build_s = round(time.perf_counter() - job._t0, 2)
        after = kb_index.current_version(self.settings.index_dir)
        if code == 0 and after and after != job.version_before:
            started = time.perf_counter()
            await asyncio.to_thread(self._swap)
            job.swap_s = round(time.perf_counter() - started, 3)
            job.state, job.version_after = "succeeded", after
            job.message = f"已启用新版本 {after}，用时 {job.build_s:.1f} 秒，切换 {job.swap_s:.2f} 秒。"
            self._audit(
                job.actor_id,
                "build_done",
                f"索引重建任务 #{job.id}",
                version=after,
                build_s=job.build_s,
                swap_s=job.swap_s,
            )
        else:
            job.state = "failed"
            job.message = self._failure(code, job) + f" 仍在使用原版本 {job.version_before or '（无）'}。"
            self._audit(job.actor_id, "build_failed", f"索引重建任务 #{job.id}", code=code, message=job.message)

    def rollback(self, actor: User, version: str | None = None) -> str:
        if self.running is not None:
            raise JobRefused("重建任务进行中，不能回滚，请等待它完成。")
        try:
            target = kb_index.rollback(self.settings.index_dir, version)
        except kb_index.BuildError as exc:
            raise JobRefused("没有可以回滚的旧版本。" if "no older" in str(exc) else f"无法回滚：{exc}") from None
        self._swap()
        self._audit(actor.id, "rollback", f"索引版本 {target}", version=target)
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

    def _swap(self) -> None:
        kb = getattr(self.app.state, "kb", None)
        if kb is None:
            from knowledge_base.service import KnowledgeBase

            self.app.state.kb = KnowledgeBase.load(self.settings)
        else:
            kb.reload()

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
    def _failure(code: int, job: BuildJob) -> str:
        if code < 0:
            return f"构建进程被终止（信号 {signal.Signals(-code).name}）。"
        try:
            lines = [ln.strip() for ln in job.log_file.read_text(encoding="utf-8").splitlines() if ln.strip()]
        except OSError:
            lines = []
        reason = next((ln for ln in reversed(lines) if "构建失败" in ln), lines[-1] if lines else "")
        return f"构建失败（退出码 {code}）：{reason[:300]}"

    def _audit(self, actor_id: int | None, action: str, target: str, **detail) -> None:
        with self._sessions() as db:
            actor = db.get(User, actor_id) if actor_id else None
            audit.record(db, actor, action, target, **detail)
            db.commit()
