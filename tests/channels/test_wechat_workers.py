"""Several app workers share the WeChat tables: each inbound message is run by one worker, a turn cut short
by a crash is taken over once its lease runs out, its answer goes out passively or by push (never both),
and every outbox message is sent once and in order per user. On SQLite and on PostgreSQL."""

from __future__ import annotations

import concurrent.futures
import threading
from datetime import timedelta

from sqlalchemy import update

from api.channels.wechat import channel as channel_module
from api.channels.wechat.models import WechatInbound, WechatOutbox, utcnow
from api.channels.wechat.store import WechatStore
from tests.channels.conftest import wechat_settings
from tests.channels.test_wechat_turns import all_sent, outbox, sim
from tests.support.app import running_app
from tests.support.fake_rasa import FakeRasa
from tests.support.wait import wait_until
from tests.support.wechat_sim import new_openid


def test_a_message_is_claimed_by_one_worker_and_a_cut_short_turn_is_taken_over_once(sessions):
    first, second = WechatStore(sessions), WechatStore(sessions)
    assert first.claim("m1", "u1", "text", "工资不发怎么办", lease_s=15)
    assert not second.claim("m1", "u1", "text", "工资不发怎么办", lease_s=15)
    assert second.take_over_expired(lease_s=15) == []  # the lease holds: its worker is alive

    with sessions() as db:  # the worker died: nobody renewed the lease
        db.execute(update(WechatInbound).values(lease_until=utcnow() - timedelta(seconds=1)))
        db.commit()
    taken = [second.take_over_expired(lease_s=15), first.take_over_expired(lease_s=15)]
    assert [[row.key for row in rows] for rows in taken] == [["m1"], []]
    assert taken[0][0].text == "工资不发怎么办"


def test_a_renewed_lease_keeps_the_turn_with_its_worker(sessions):
    store = WechatStore(sessions)
    store.claim("m2", "u1", "text", "加班费", lease_s=0.0)
    store.renew(["m2"], lease_s=15)
    assert store.take_over_expired(lease_s=15) == []


def test_the_answer_goes_out_passively_or_by_push_never_both(sessions):
    store = WechatStore(sessions)
    store.claim("m3", "u1", "text", "q", lease_s=15)
    assert store.decide_push("m3")  # another worker's delivery of the retry ran out of time first
    assert not store.answer_passive("m3", "答复", "u1", ["第二条"])
    assert store.state("m3").delivery == "push"

    store.claim("m4", "u1", "text", "q", lease_s=15)
    assert store.answer_passive("m4", "答复", "u1", ["第二条"])
    assert not store.decide_push("m4")  # too late: WeChat already has the passive answer
    state = store.state("m4")
    assert (state.status, state.delivery, state.reply) == ("passive", "passive", "答复")


def test_outbox_messages_are_claimed_once_and_in_order_per_user(sessions):
    store = WechatStore(sessions)
    store.enqueue("alice", ["a1", "a2", "a3"], "bot")
    store.enqueue("bob", ["b1"], "bot")

    first = store.claim_due(50)
    assert sorted(row.content for row in first) == ["a1", "b1"]  # one per user: the oldest
    assert store.claim_due(50) == []  # a2 waits behind a1, which another worker is sending

    store.mark_failed_attempt(first[0].id, "timeout", retry_in_s=60)  # a1 must be retried later
    assert store.claim_due(50) == []  # still holds back a2
    with sessions() as db:
        db.execute(update(WechatOutbox).where(WechatOutbox.content == "a1").values(next_attempt_at=utcnow()))
        db.commit()
    assert [row.content for row in store.claim_due(50)] == ["a1"]


def test_a_message_held_by_a_dead_worker_is_sent_again_after_its_claim_runs_out(sessions):
    store = WechatStore(sessions)
    store.enqueue("carol", ["c1"], "bot")
    [row] = store.claim_due(50)
    assert store.claim_due(50) == []
    with sessions() as db:
        db.execute(update(WechatOutbox).values(claimed_until=utcnow() - timedelta(seconds=1)))
        db.commit()
    assert [again.id for again in store.claim_due(50)] == [row.id]


def test_concurrent_senders_never_claim_the_same_message(sessions):
    users = [f"user{i}" for i in range(20)]
    for user in users:
        WechatStore(sessions).enqueue(user, [f"{user}-1", f"{user}-2"], "bot")
    claimed: list[str] = []  # in the order the senders took them
    lock, start = threading.Lock(), threading.Barrier(4)

    def sender() -> None:
        store = WechatStore(sessions)
        start.wait()
        while rows := store.claim_due(3):
            for row in rows:
                with lock:
                    claimed.append(row.content)
                store.mark_sent(row.id)

    threads = [threading.Thread(target=sender) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(claimed) == sorted(f"{u}-{n}" for u in users for n in (1, 2))  # each exactly once
    assert all(claimed.index(f"{u}-1") < claimed.index(f"{u}-2") for u in users)  # in order per user


# --- two app workers in this process, sharing one database ----------------------------------------------


def two_workers(tmp_path, fake_cs, knowledge, **overrides):
    """Two apps (each with its own event loop, outbox sender and lease upkeep) on one database."""
    rasa = FakeRasa(turn_delay_s=overrides.pop("turn_delay_s", 0.0))
    settings = wechat_settings(tmp_path, fake_cs, **overrides)
    return running_app(settings, rasa, knowledge), running_app(settings, rasa, knowledge), rasa


def test_a_retry_reaching_another_worker_gets_the_passive_answer_of_the_running_turn(tmp_path, fake_cs, knowledge):
    first, second, rasa = two_workers(tmp_path, fake_cs, knowledge, turn_delay_s=1.0, wechat_reply_budget_s=8.0)
    with first as (client_a, app), second as (client_b, _):
        user = new_openid("two-workers")
        a, b = sim(client_a), sim(client_b)
        body = a.text(user, "公司连续两个月没发工资了，我该怎么办")
        with concurrent.futures.ThreadPoolExecutor(2) as pool:
            original = pool.submit(a.post, body)
            wait_until(lambda: rasa.turns, 10, what="the first worker's turn to start")
            retry = pool.submit(b.post, body)  # WeChat thought the first try lost and sent it again
            replies = [a.reply_text(original.result(), False), b.reply_text(retry.result(), False)]
        assert replies[0] and replies[0] == replies[1]
        assert len(rasa.turns) == 1  # asked of the bot once
        assert fake_cs.pushes_to(user) == []


def test_when_the_turn_is_too_slow_the_answer_is_pushed_once_whichever_worker_the_retry_reaches(
    tmp_path, fake_cs, knowledge
):
    first, second, rasa = two_workers(tmp_path, fake_cs, knowledge, turn_delay_s=2.0, wechat_reply_budget_s=0.5)
    with first as (client_a, app), second as (client_b, _):
        user = new_openid("slow-two")
        a, b = sim(client_a), sim(client_b)
        body = a.text(user, "公司连续两个月没发工资了，我该怎么办")
        assert a.post(body).text == "success"
        assert b.post(body).text == "success"
        wait_until(lambda: all_sent(app, user), 30, what="the pushed answer marked sent")
        assert len(fake_cs.pushes_to(user)) == len(outbox(app, user)) >= 1  # each part once
        assert len(rasa.turns) == 1


def test_a_turn_whose_worker_died_is_answered_by_the_other_worker(tmp_path, fake_cs, knowledge, monkeypatch):
    monkeypatch.setattr(channel_module, "TURN_LEASE_S", 0.5)
    monkeypatch.setattr(channel_module, "RENEW_EVERY_S", 0.2)
    settings = wechat_settings(tmp_path, fake_cs)
    with running_app(settings, FakeRasa(), knowledge) as (_, app):
        user = new_openid("orphan")  # a worker took this message in and died before answering it
        assert WechatStore(app.state.sessions).claim("orphan-1", user, "text", "加班费怎么算", lease_s=0.5)
        wait_until(lambda: all_sent(app, user), 30, what="the orphaned turn answered by push")
        assert "加班" in "\n".join(fake_cs.pushes_to(user))
        with app.state.sessions() as db:
            assert db.get(WechatInbound, "orphan-1").status == "pushed"
