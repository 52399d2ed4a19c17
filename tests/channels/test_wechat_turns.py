"""WeChat conversations in-process: passive answers, pushes through the outbox, de-duplication of retries,
token refresh and backoff, rate limits. The app answers from the real knowledge base with a fake Rasa;
the customer-service API is a fake on 127.0.0.1 that records every push. (Restarts and crashes, which
need real processes, are in tests/e2e/test_wechat_restarts.py.)"""

from __future__ import annotations

import concurrent.futures

from sqlalchemy import select

from api.channels.wechat.models import WechatInbound, WechatOutbox
from api.conversation.models import ConversationMessage
from phrasebook import say
from tests.channels.conftest import AES_KEY, APPID, TOKEN
from tests.support.wait import wait_until
from tests.support.wechat_sim import WeChatPlatform, answer_of, new_openid

QUESTION = "公司连续两个月没发工资了，我该怎么办"


def sim(client) -> WeChatPlatform:
    return WeChatPlatform(str(client.base_url), TOKEN, AES_KEY, APPID, http=client)


def inbound(app, user: str) -> list[str]:
    with app.state.sessions() as db:
        return list(
            db.scalars(
                select(ConversationMessage.text).where(
                    ConversationMessage.channel == "wechat",
                    ConversationMessage.user_id == user,
                    ConversationMessage.direction == "in",
                )
            )
        )


def outbox(app, user: str) -> list[tuple[str, int]]:
    with app.state.sessions() as db:
        return [
            tuple(r)
            for r in db.execute(
                select(WechatOutbox.status, WechatOutbox.attempts)
                .where(WechatOutbox.openid == user)
                .order_by(WechatOutbox.id)
            )
        ]


def all_sent(app, user: str) -> bool:
    """Every outbox row of the user marked sent (the fake records a push before the app marks it)."""
    rows = outbox(app, user)
    return bool(rows) and {status for status, _ in rows} == {"sent"}


def test_text_message_gets_the_answer_passively_in_both_modes(wechat_app, fake_cs):
    client, app = wechat_app
    for encrypted in (False, True):
        platform, user = sim(client), new_openid("text")
        delivery = platform.deliver(platform.text(user, QUESTION), encrypted=encrypted)
        assert delivery.attempts == ["200"]
        text = answer_of(delivery, fake_cs, user)
        assert "工资" in text and "msgmenucontent=有帮助" in text  # buttons are WeChat menu links
        assert inbound(app, user) == [QUESTION]


def test_a_tapped_menu_link_is_the_button(wechat_app, fake_rasa, fake_cs):
    client, _ = wechat_app
    platform, user = sim(client), new_openid("menu")
    answer_of(platform.deliver(platform.text(user, QUESTION)), fake_cs, user)
    platform.deliver(platform.text(user, "有帮助"))  # what WeChat sends for a tapped menu link
    assert fake_rasa.turns[-1].parse_data["intent"]["name"] == "affirm"


def test_voice_message_uses_the_recognition_text(wechat_app, fake_cs):
    client, app = wechat_app
    platform, user = sim(client), new_openid("voice")
    delivery = platform.deliver(platform.voice(user, "我加班了老板不给加班费怎么办"))
    assert "加班" in answer_of(delivery, fake_cs, user)
    assert inbound(app, user) == ["我加班了老板不给加班费怎么办"]


def test_a_repeated_msgid_is_one_turn_however_the_retries_race(wechat_app, fake_cs):
    client, app = wechat_app
    platform, user = sim(client), new_openid("dup")
    message = platform.text(user, QUESTION, msg_id=880000000001)
    first = platform.deliver(message)
    answer_of(first, fake_cs, user)
    with concurrent.futures.ThreadPoolExecutor(2) as pool:
        racing = list(pool.map(lambda _: platform.deliver(message), range(2)))
    for again in [*racing, platform.deliver(message)]:
        assert again.reply in (first.reply, None)
    assert inbound(app, user) == [QUESTION]


def test_slow_answer_gets_success_then_one_push(make_wechat_app, fake_cs):
    client, app = make_wechat_app(wechat_reply_budget_s=0.0)  # no turn finishes this fast
    platform, user = sim(client), new_openid("slow")
    delivery = platform.deliver(platform.text(user, "平时下班后加班的加班费怎么算"))
    assert delivery.attempts == ["200"] and delivery.response.text == "success"
    pushed = wait_until(lambda: fake_cs.pushes_to(user), 30, what="the push")
    assert "加班" in "\n".join(pushed)
    wait_until(lambda: all_sent(app, user), 10, what="every outbox row marked sent")
    with app.state.sessions() as db:
        assert db.scalars(select(WechatInbound.status).where(WechatInbound.openid == user)).all() == ["pushed"]
    assert len(fake_cs.pushes_to(user)) == len(outbox(app, user))  # each part pushed once


def test_push_refreshes_an_expired_token_and_retries_errors_with_backoff(make_wechat_app, fake_cs):
    client, app = make_wechat_app(wechat_reply_budget_s=0.0)
    platform = sim(client)
    warm = new_openid("warm")
    platform.deliver(platform.text(warm, "你好"))
    wait_until(lambda: all_sent(app, warm), 30, what="a first push (token fetched)")
    tokens_before = fake_cs.token_requests
    fake_cs.expire_token()
    fake_cs.fail_next(-1, -1)  # "system busy" twice after the refresh
    user = new_openid("retry")
    platform.deliver(platform.text(user, "公司不给交社保怎么办"))
    pushed = wait_until(lambda: fake_cs.pushes_to(user), 30, what="the push after retries")
    assert "社保" in "\n".join(pushed)
    assert fake_cs.token_requests == tokens_before + 1
    wait_until(lambda: all_sent(app, user), 10, what="the rows marked sent")
    assert outbox(app, user)[0] == ("sent", 3)  # busy, busy (1 s, 2 s backoff), sent


def test_rate_limit_answers_kindly_without_asking_the_bot(wechat_app, fake_rasa, fake_cs):
    client, app = wechat_app
    platform, user = sim(client), new_openid("chatty")
    answers = [
        answer_of(platform.deliver(platform.text(user, f"第{i}个问题：加班费怎么算")), fake_cs, user) for i in range(11)
    ]
    assert say("dialogue.rate_limited") not in answers[:10]
    assert answers[10] == say("dialogue.rate_limited")
    assert len(inbound(app, user)) == 10
    other = new_openid("calm")
    assert answer_of(platform.deliver(platform.text(other, "加班费怎么算")), fake_cs, other) != answers[10]


def test_a_lawyer_reply_to_a_wechat_worker_goes_through_the_outbox(wechat_app, fake_cs):
    client, app = wechat_app
    user = new_openid("handoff")
    case_id, _ = app.state.cases.open_case(
        "wechat", user, topic="wage_arrears", reasons=["user_request"], description="公司拖欠三个月工资"
    )
    from api.users.models import Role
    from api.users.service import create_user

    with app.state.sessions() as db:
        lawyer = create_user(db, "lawyer_li", "Staff-pass-2024", Role.lawyer)
    app.state.cases.claim(case_id, lawyer)
    client.portal.call(app.state.cases.reply, case_id, lawyer, "您好，请把劳动合同拍照发给我们。")
    pushed = wait_until(lambda: [p for p in fake_cs.pushes_to(user) if "劳动合同" in p], 20, what="the push")
    assert pushed == ["工会律师回复：您好，请把劳动合同拍照发给我们。"]
