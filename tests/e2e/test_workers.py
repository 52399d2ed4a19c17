"""The production shape through real processes: two app workers behind one port and two Rasa replicas, on
PostgreSQL and Redis, as `laborbot run --workers 2 --rasa-replicas 2` starts them. WeChat messages spread
over both workers are each taken in once and answered once; one worker killed in the middle of turns loses
nothing (the other takes the cut-short turns over when their leases run out); /metrics adds up every
worker's counts."""

from __future__ import annotations

import concurrent.futures
import os
import re
import signal

import httpx
import pytest

from tests.channels.conftest import AES_KEY, APP_SECRET, APPID, TOKEN
from tests.e2e.test_wechat_restarts import settled, taken_in
from tests.support.databases import throwaway_postgres
from tests.support.processes import AppServer, BotStack, latest_model, local_settings
from tests.support.wait import wait_until
from tests.support.wechat_sim import WeChatPlatform, new_openid

pytestmark = pytest.mark.slow
REDIS = "redis://127.0.0.1:6379/0"
QUESTIONS = ("加班费怎么算", "公司拖欠工资怎么办", "试用期被辞退有补偿吗", "上班路上摔伤算工伤吗")


@pytest.fixture
def product(tmp_path, real_index, fake_cs):
    model = latest_model()
    assert model is not None, "no trained model: run `laborbot train`"
    with throwaway_postgres() as database_url:
        settings = local_settings(
            tmp_path,
            real_index.parent,
            rasa_replicas=2,
            workers=2,
            database_url=database_url,
            redis_url=REDIS,
            wechat_token=TOKEN,
            wechat_aes_key=AES_KEY,
            wechat_appid=APPID,
            wechat_app_secret=APP_SECRET,
            wechat_api_base=fake_cs.url,
            wechat_reply_budget_s=0.01,  # every answer is pushed: the outbox and the leases do the work
        )
        bot = BotStack(settings, model).start()
        app = AppServer(settings, healthy=True).start()
        try:
            yield app, WeChatPlatform(app.url, TOKEN, AES_KEY, APPID)
        finally:
            app.stop()
            bot.stop()


def ask_all(platform: WeChatPlatform, users: list[str]) -> None:
    """Every user sends one message at the same time, each on its own connection."""

    def ask(index_user: tuple[int, str]) -> None:
        index, user = index_user
        own = WeChatPlatform(platform.base_url, TOKEN, AES_KEY, APPID)
        try:
            assert own.deliver(own.text(user, QUESTIONS[index % len(QUESTIONS)])).response.text == "success"
        finally:
            own.close()

    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        list(pool.map(ask, enumerate(users)))


def test_two_workers_take_each_message_once_and_survive_one_of_them_dying(product, fake_cs):
    app, platform = product
    assert len(app.worker_pids()) == 2

    users = [new_openid(f"pair{i}") for i in range(12)]
    ask_all(platform, users)
    for user in users:
        wait_until(lambda user=user: settled(app, user), 60, what=f"the answer to {user}")
        assert len(taken_in(app, user)) == 1
        assert len(fake_cs.pushes_to(user)) == len(app.rows("SELECT id FROM wechat_outbox WHERE openid = :u", u=user))

    victims = [new_openid(f"cut{i}") for i in range(6)]
    ask_all(platform, victims)
    os.kill(app.worker_pids()[0], signal.SIGKILL)  # milliseconds after the acknowledgements: turns are running
    wait_until(lambda: len(app.worker_pids()) == 2, 60, what="uvicorn to start the worker again")
    for user in victims:
        wait_until(lambda user=user: settled(app, user), 90, what=f"the answer to {user} after the crash")
        assert len(taken_in(app, user)) == 1  # taken in once, answered once
        assert len(fake_cs.pushes_to(user)) == len(app.rows("SELECT id FROM wechat_outbox WHERE openid = :u", u=user))

    metrics = httpx.get(f"{app.url}/metrics", timeout=10).text  # whichever worker answers adds up all of them
    turns = sum(float(v) for v in re.findall(r'^laborbot_turn_seconds_count\{channel="wechat"\} (\S+)$', metrics, re.M))
    assert turns >= len(users) + len(victims)  # more than any one worker took in
