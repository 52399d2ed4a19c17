"""What several app workers share beyond the database: rate limits and signals through Redis (a live reply reaches the
worker holding the visitor's stream; a new index version switches every worker), and the admin's index
builds (one at a time across workers, the same progress on every worker, a build whose watcher died)."""

from __future__ import annotations

import asyncio
import secrets
from datetime import timedelta

import pytest

from api.admin.jobs import IndexJobs, JobRefused
from api.admin.models import IndexJob
from api.channels.webchat.history import CHANNEL as WEB
from api.conversation.models import utcnow
from api.conversation.outgoing import Outgoing
from api.core.ratelimit import RateLimits
from api.core.settings import Settings
from api.core.signals import Signals
from api.users.models import Role, User
from tests.admin.conftest import admin_settings
from tests.admin.helpers import admin_login, page_csrf, start_build, wait_for_job
from tests.support.app import create_accounts, running_app
from tests.support.wait import wait_until

REDIS = "redis://127.0.0.1:6379/0"


def test_a_signal_reaches_every_worker_through_redis():
    async def scenario() -> tuple[list, list]:
        first, second = Signals(REDIS), Signals(REDIS)
        heard_first, heard_second = [], []
        first.on("index", heard_first.append)
        second.on("index", heard_second.append)
        await first.start()
        await second.start()
        await first.publish("index", {"version": "v0042"})
        for _ in range(100):
            if heard_first and heard_second:
                break
            await asyncio.sleep(0.02)
        await first.stop()
        await second.stop()
        return heard_first, heard_second

    assert asyncio.run(scenario()) == ([{"version": "v0042"}], [{"version": "v0042"}])


def test_without_redis_a_signal_stays_in_this_process():
    async def scenario() -> list:
        signals, heard = Signals(""), []
        signals.on("live", heard.append)
        await signals.start()
        await signals.publish("live", {"user": "u1", "event": {}})
        return heard

    assert asyncio.run(scenario()) == [{"user": "u1", "event": {}}]


def test_rate_limits_count_every_workers_messages_through_redis():
    first, second = (RateLimits(Settings(redis_url=REDIS)) for _ in range(2))
    sender = f"openid-{secrets.token_hex(6)}"
    assert [first.allow("wechat", sender, per_minute=3) for _ in range(2)] == [True, True]
    assert second.allow("wechat", sender, per_minute=3)  # the third message, on the other worker
    assert not first.allow("wechat", sender, per_minute=3)
    assert not second.allow("wechat", sender, per_minute=3)


def test_a_reply_reaches_the_live_stream_another_worker_holds(tmp_path, fake_rasa, knowledge):
    settings = Settings(var_dir=tmp_path / "var", database_url=f"sqlite:///{tmp_path / 'app.db'}", redis_url=REDIS)
    with running_app(settings, fake_rasa, knowledge) as (client_a, app_a):
        with running_app(settings, fake_rasa, knowledge) as (client_b, app_b):
            visitor = f"visitor-{id(app_b)}"
            stream = client_b.portal.call(_subscribe, app_b, visitor)  # the tab is connected to worker B
            delivered = client_a.portal.call(app_a.state.conversation.deliver, WEB, visitor, Outgoing("律师已回复您"))
            assert delivered
            event = client_b.portal.call(asyncio.wait_for, stream.get(), 5)
            assert event == {"escalated": False}


async def _subscribe(app, visitor: str):
    return app.state.webchat_hub.subscribe(visitor)


# --- index builds across workers ----------------------------------------------------------------------


def _jobs(sessions, tmp_path) -> IndexJobs:
    settings = Settings(var_dir=tmp_path / "var", index_dir=tmp_path / "var" / "index")
    return IndexJobs(settings, sessions, Signals(""), reload=lambda: None)


def _staff(sessions) -> User:
    with sessions() as db:
        user = User(username="staff_jobs", password_hash="!", role=Role.staff)
        db.add(user)
        db.commit()
        return user


def _running_job(sessions, lease_until) -> int:
    with sessions() as db:
        job = IndexJob(
            actor_name="孙",
            state="running",
            running_slot=1,
            progress_file="/nonexistent/p.json",
            log_file="/nonexistent/l.log",
            lease_until=lease_until,
        )
        db.add(job)
        db.commit()
        return job.id


def test_a_second_build_is_refused_whichever_worker_is_asked(sessions, tmp_path):
    staff = _staff(sessions)
    job_id = _running_job(sessions, utcnow() + timedelta(seconds=30))  # another worker is watching it
    with pytest.raises(JobRefused, match="已有一个重建任务正在进行"):
        _jobs(sessions, tmp_path).start(staff)
    assert _jobs(sessions, tmp_path).running()["id"] == job_id  # every worker shows the same job


def test_a_build_whose_watching_worker_died_is_reported_and_frees_the_slot(sessions, tmp_path):
    job_id = _running_job(sessions, utcnow() - timedelta(seconds=1))
    jobs = _jobs(sessions, tmp_path)
    assert jobs.running() is None
    job = jobs.get(job_id)
    assert job["state"] == "failed" and "服务进程已停止" in job["message"]


@pytest.mark.slow
def test_a_build_started_on_one_worker_switches_every_worker(tmp_path, real_index, fake_rasa):
    settings = admin_settings(tmp_path, real_index).model_copy(update={"redis_url": REDIS})
    with running_app(settings, fake_rasa) as (_, app_a), running_app(settings, fake_rasa) as (_, app_b):
        for app in (app_a, app_b):
            wait_until(lambda app=app: app.state.kb is not None and app.state.kb.ready, 120, what="the index")
        create_accounts(app_a)
        before = app_b.state.kb.version
        staff_a, _ = admin_login(app_a)
        staff_b, _ = admin_login(app_b)
        job_id = start_build(staff_a)
        refused = staff_b.post(
            "/admin/index/build", data={"csrf": page_csrf(staff_b, "/admin/index")}, follow_redirects=False
        ).headers["location"]
        assert "error=" in refused  # one build at a time, across workers
        assert wait_for_job(staff_b, job_id, 240)["state"] == "succeeded"  # B shows A's job
        after = staff_a.get(f"/admin/index/jobs/{job_id}").json()["version_after"]
        assert after and after != before
        wait_until(lambda: app_b.state.kb.version == after, 10, what="worker B to switch on the signal")
