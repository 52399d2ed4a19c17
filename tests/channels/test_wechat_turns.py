"""WeChat conversations with the real bot: passive answers, pushes, de-duplication, the outbox.

Rasa and the action server run from the trained model; the app runs as its own process so it can be
restarted; the customer-service API is a fake on 127.0.0.1 that records every push."""
from __future__ import annotations

import concurrent.futures
import time

import pytest

from api.channels.ratelimit import RATE_LIMITED_TEXT
from tests.channels.conftest import AES_KEY, APPID, TOKEN
from tests.channels.servers import wait_until
from tests.channels.wechat_sim import WeChatPlatform, answer_of, new_openid

pytestmark = pytest.mark.slow
QUESTION = "公司连续两个月没发工资了，我该怎么办"


def sim(server) -> WeChatPlatform:
    return WeChatPlatform(server.url, TOKEN, AES_KEY, APPID)


def inbound(server, user: str) -> list[str]:
    return [row[0] for row in server.rows(
        "SELECT text FROM conversation_messages WHERE channel = 'wechat' AND user_id = :u AND direction = 'in'", u=user)]


def all_sent(server, user: str) -> bool:
    """Every outbox row of the user marked sent (the fake records a push before the app marks it)."""
    statuses = {row[0] for row in server.rows("SELECT status FROM wechat_outbox WHERE openid = :u", u=user)}
    return statuses == {"sent"}


@pytest.mark.parametrize("encrypted", [False, True], ids=["plaintext", "safe-mode"])
def test_text_message_gets_an_answer_within_five_seconds(bot_app, fake_cs, encrypted):
    platform, user = sim(bot_app), new_openid("text")
    started = time.monotonic()
    delivery = platform.deliver(platform.text(user, QUESTION), encrypted=encrypted)
    assert delivery.attempts == ["200"] and time.monotonic() - started < 5
    text = answer_of(delivery, fake_cs, user)
    assert "工资" in text
    assert inbound(bot_app, user) == [QUESTION]


def test_voice_message_uses_the_recognition_text(bot_app, fake_cs):
    platform, user = sim(bot_app), new_openid("voice")
    delivery = platform.deliver(platform.voice(user, "我加班了老板不给加班费怎么办"))
    assert "加班" in answer_of(delivery, fake_cs, user)
    assert inbound(bot_app, user) == ["我加班了老板不给加班费怎么办"]


def test_repeated_msgid_is_processed_once_also_across_a_restart(bot_app, fake_cs):
    platform, user = sim(bot_app), new_openid("dup")
    message = platform.text(user, QUESTION, msg_id=880000000001)
    first = platform.deliver(message)
    answer_of(first, fake_cs, user)
    time.sleep(1.0)
    pushed_for_first = fake_cs.pushes_to(user)

    # Two retries racing each other, then one more: the same answer at most, never a second turn.
    with concurrent.futures.ThreadPoolExecutor(2) as pool:
        racing = list(pool.map(lambda _: platform.deliver(message), range(2)))
    later = platform.deliver(message)
    for again in [*racing, later]:
        assert again.reply in (first.reply, None)
    bot_app.restart()
    after_restart = sim(bot_app).deliver(message)
    assert after_restart.reply in (first.reply, None)

    assert inbound(bot_app, user) == [QUESTION]
    time.sleep(1.0)  # a second turn would push again
    assert fake_cs.pushes_to(user) == pushed_for_first


def test_retries_of_a_message_in_flight_wait_for_the_same_turn(bot_app, fake_cs):
    """WeChat gave up on the first delivery while it was still being answered, and retried."""
    platform, user = sim(bot_app), new_openid("inflight")
    message = platform.text(user, "工伤认定需要哪些材料")
    params, _ = platform.query(message, encrypted=False)
    signed = {"timestamp": int(params["timestamp"]), "nonce": params["nonce"]}
    with concurrent.futures.ThreadPoolExecutor(3) as pool:
        # The original on a connection dropped almost at once, then two retries on top of it.
        first = pool.submit(platform.post, message, timeout_s=0.05, **signed)
        time.sleep(0.02)
        retries = [pool.submit(platform.post, message, **signed) for _ in range(2)]
        concurrent.futures.wait([first])
        replies = {platform.reply_text(r.result(), encrypted=False) for r in retries}
    assert len(replies) == 1  # the same passive answer for both (or `success` for both and one push)
    if replies == {None}:
        wait_until(lambda: all_sent(bot_app, user), 30, what="the pushes")
    time.sleep(1.0)  # room for a wrong second push to show up
    queued = bot_app.rows("SELECT count(*) FROM wechat_outbox WHERE openid = :u", u=user)[0][0]
    assert len(fake_cs.pushes_to(user)) == queued  # every queued part pushed once
    assert inbound(bot_app, user) == ["工伤认定需要哪些材料"]


def test_slow_answer_gets_success_then_a_push(bot, make_app, fake_cs):
    server = make_app(healthy=True, wechat_reply_budget_s=0.01)  # no turn finishes this fast
    platform, user = sim(server), new_openid("slow")
    delivery = platform.deliver(platform.text(user, "加班费怎么算"))
    assert delivery.attempts == ["200"] and delivery.response.text == "success"
    pushed = wait_until(lambda: fake_cs.pushes_to(user), 30, what="the push")
    assert "加班" in "\n".join(pushed)
    assert server.rows("SELECT status FROM wechat_inbound WHERE openid = :u", u=user) == [("pushed",)]
    wait_until(lambda: all_sent(server, user), 10, what="every outbox row marked sent")


def test_outbox_survives_a_restart(bot, make_app, fake_cs):
    server = make_app(healthy=True, wechat_reply_budget_s=0.01)
    platform, user = sim(server), new_openid("outage")
    fake_cs.offline = True
    assert platform.deliver(platform.text(user, "被辞退了有没有补偿")).response.text == "success"
    wait_until(lambda: server.rows("SELECT attempts FROM wechat_outbox WHERE openid = :u AND attempts > 0", u=user),
               30, what="a failed push attempt")
    server.stop()
    assert server.rows("SELECT status FROM wechat_outbox WHERE openid = :u", u=user)[0] == ("pending",)
    fake_cs.offline = False
    server.start()
    pushed = wait_until(lambda: fake_cs.pushes_to(user), 30, what="the push after the restart")
    assert "补偿" in "\n".join(pushed)
    time.sleep(1.0)
    assert len(fake_cs.pushes_to(user)) == len(pushed)  # once, not once per start
    wait_until(lambda: all_sent(server, user), 10, what="every outbox row marked sent")


def test_a_turn_cut_short_by_a_crash_is_answered_after_the_restart(bot, make_app, fake_cs):
    server = make_app(healthy=True, wechat_reply_budget_s=0.01)
    platform, user = sim(server), new_openid("crash")
    message = platform.text(user, "加班费怎么算")
    assert platform.deliver(message).response.text == "success"
    server.crash()  # milliseconds after the acknowledgement: the bot is still working on the answer
    assert server.rows("SELECT status, text FROM wechat_inbound WHERE openid = :u", u=user) == [
        ("processing", "加班费怎么算")
    ]
    server.start()
    assert platform.deliver(message).response.text == "success"  # WeChat's retry: taken already
    pushed = wait_until(lambda: fake_cs.pushes_to(user), 60, what="the answer pushed after the restart")
    assert "加班" in "\n".join(pushed)
    wait_until(lambda: all_sent(server, user), 10, what="every outbox row marked sent")
    time.sleep(1.0)  # room for a wrong second answer to show up
    assert len(fake_cs.pushes_to(user)) == len(pushed)
    assert server.rows("SELECT status FROM wechat_inbound WHERE openid = :u", u=user) == [("pushed",)]
    assert inbound(server, user) == ["加班费怎么算"]  # taken in once, answered once


def test_push_refreshes_an_expired_token_and_retries_errors_with_backoff(bot, make_app, fake_cs):
    server = make_app(healthy=True, wechat_reply_budget_s=0.01)
    platform = sim(server)
    warm = new_openid("warm")
    platform.deliver(platform.text(warm, "你好"))
    wait_until(lambda: fake_cs.pushes_to(warm), 30, what="a first push (token fetched)")
    # The greeting may be several bubbles: let all of them go out, or they would use up the failures below.
    wait_until(lambda: all_sent(server, warm), 30, what="the whole greeting pushed")
    tokens_before = fake_cs.token_requests

    fake_cs.expire_token()
    fake_cs.fail_next(-1, -1)  # "system busy" twice after the refresh
    user = new_openid("retry")
    platform.deliver(platform.text(user, "公司不给交社保怎么办"))
    pushed = wait_until(lambda: fake_cs.pushes_to(user), 30, what="the push after retries")
    assert "社保" in "\n".join(pushed)
    assert fake_cs.token_requests == tokens_before + 1
    # The fake records the push before the app marks the row sent: wait for that, then count.
    first = wait_until(lambda: server.rows(
        "SELECT attempts FROM wechat_outbox WHERE openid = :u AND status = 'sent' ORDER BY id LIMIT 1", u=user),
        10, what="the first row marked sent")
    assert first[0][0] == 3  # busy, busy (1 s, 2 s backoff), sent


def test_rate_limit_answers_kindly_without_asking_the_bot(bot_app, fake_cs):
    platform, user = sim(bot_app), new_openid("chatty")
    answers = [answer_of(platform.deliver(platform.text(user, f"第{i}个问题：加班费怎么算")), fake_cs, user)
               for i in range(11)]
    assert RATE_LIMITED_TEXT not in answers[:10]
    assert answers[10] == RATE_LIMITED_TEXT
    assert len(inbound(bot_app, user)) == 10
    other = new_openid("calm")
    assert answer_of(platform.deliver(platform.text(other, "加班费怎么算")), fake_cs, other) != RATE_LIMITED_TEXT


def test_platform_retry_schedule_reaches_an_app_that_was_down(bot_app, fake_cs):
    server = bot_app
    server.stop()
    platform, user = sim(server), new_openid("down")
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        delivery = pool.submit(platform.deliver, platform.text(user, "工伤怎么申请认定"))
        time.sleep(1.0)
        server.start()
        result = delivery.result()
    assert result.attempts[0] == "ConnectError" and result.attempts[-1] == "200"
    assert len(result.attempts) <= 4
    answer_of(result, fake_cs, user)
    assert inbound(server, user) == ["工伤怎么申请认定"]
