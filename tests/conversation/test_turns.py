"""One worker turn through the app, in-process: the web chat API, the conversation service, the decision,
a fake Rasa (the dialogue itself is tested in the Rasa environment) and the real knowledge base."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from api.cases.models import Case
from api.conversation.models import ConversationMessage, UnansweredQuestion
from tests.support.app import chat_turn as send
from tests.support.fake_rasa import event
from tests.support.ranking import rank_cards

CLOSE_CARDS = ("injury-what-to-do-first", "injury-application-deadline", "injury-workplace-accident")


def rows(app, model, *where):
    with app.state.sessions() as db:
        return db.scalars(select(model).where(*where)).all()


def test_a_question_is_answered_from_its_card_and_rasa_sees_only_masked_text(app_client, fake_rasa):
    client, app = app_client
    replies = send(client, "工伤评了九级伤残 一次性伤残补助金能拿几个月工资 我电话13912345678")
    assert replies[0]["text"].startswith("按您说的九级伤残")
    assert replies[0]["citations"] and replies[0]["buttons"]
    turn = fake_rasa.turns[-1]
    assert "13912345678" not in turn.text and "139****5678" in turn.text
    assert turn.parse_data["intent"]["name"] == "work_injury"
    assert turn.metadata["decision"]["expecting"] == "feedback"
    stored = rows(app, ConversationMessage, ConversationMessage.direction == "in")[-1]
    assert "13912345678" in stored.text  # kept for the lawyer who takes the case, masked everywhere else
    assert stored.payload["topic"] == "work_injury" and stored.payload["cards"] == ["injury-lump-sum-by-grade"]


def test_an_unsure_answer_is_no_case_but_staff_see_it(app_client, fake_rasa):
    client, app = app_client
    fake_rasa.intents["那个事后来到底该咋整"] = ("labor_contract", 0.35)
    replies = send(client, "那个事后来到底该咋整")
    assert "转人工" in replies[0]["text"]
    assert "能再说说发生了什么" in replies[0]["text"]  # no card is close: the worker is asked what happened
    assert rows(app, Case) == []
    missed = rows(app, UnansweredQuestion)
    assert len(missed) == 1 and missed[0].reason == "low_confidence" and missed[0].candidates == []


def test_an_unsure_answers_guesses_and_options_are_what_staff_see_it_considered(app_client, fake_rasa, monkeypatch):
    client, app = app_client
    # three cards close enough to offer, none probable enough to answer
    rank_cards(app.state.kb._require(), monkeypatch, list(zip(CLOSE_CARDS, (0.06, 0.05, 0.045))))
    text = "去年在厂里干活手被夹了 当时包扎了一下就回去上班了 现在手指还是弯不了 这个还能找厂里吗"
    fake_rasa.intents[text] = ("work_injury", 0.5)
    replies = send(client, text)
    assert replies[0]["text"].count("如果您问的是") == 2
    assert [b["payload"] for b in replies[0]["buttons"]][0] == f'/ask_card{{"card":"{CLOSE_CARDS[2]}"}}'
    assert rows(app, Case) == []
    missed = rows(app, UnansweredQuestion)
    assert len(missed) == 1 and missed[0].candidates == list(CLOSE_CARDS)


def test_a_tapped_option_answers_that_card_whatever_rasa_was_doing(app_client, fake_rasa):
    client, _ = app_client
    replies = send(client, "年假有几天", payload='/ask_card{"card":"leave-annual-days"}')
    assert fake_rasa.parsed == []  # a button needs no NLU
    assert fake_rasa.turns[-1].parse_data["intent"]["name"] == "app_reply"
    assert replies[0]["citations"][0]["law"] == "职工带薪年休假条例"


def test_a_typed_button_title_counts_as_the_button(app_client, fake_rasa):
    client, _ = app_client
    send(client, "公司拖欠我两个月工资不给怎么办")
    send(client, "有帮助")
    assert fake_rasa.turns[-1].parse_data["intent"]["name"] == "affirm"


def test_a_calculator_button_starts_the_form_with_known_facts(app_client, fake_rasa):
    client, _ = app_client
    send(client, "干了三年被辞退了 月工资八千 能赔多少")
    send(client, "算一算经济补偿", payload='/inform{"calculator":"severance"}')
    turn = fake_rasa.turns[-1]
    assert turn.parse_data["intent"]["name"] == "inform"
    assert turn.parse_data["entities"] == [{"entity": "calculator", "value": "severance"}]
    assert turn.metadata["facts"].get("monthly_wage") == "8000"


def test_a_follow_up_is_answered_in_the_context_of_the_previous_question(app_client, fake_rasa):
    client, _ = app_client
    send(client, "公伤鉴定是十级伤残")
    fake_rasa.intents["那能赔多少钱"] = ("out_of_scope", 0.3)
    replies = send(client, "那能赔多少钱")
    assert "7个月" in replies[0]["text"]


def test_a_crisis_gets_the_hotlines_alone_then_stays_in_crisis_handling(app_client, fake_rasa):
    client, app = app_client
    replies = send(client, "工资三个月没发了 我真的不想活了")
    assert len(replies) == 1 and "12356" in replies[0]["text"] and not replies[0]["citations"]
    assert [b["title"] for b in replies[0]["buttons"]] == ["留下电话", "先不用"]
    assert fake_rasa.turns[-1].parse_data["intent"]["name"] == "app_reply"
    case = rows(app, Case)[0]
    assert (case.priority, case.status) == ("urgent", "open")
    again = send(client, "加班费怎么算")
    assert "12356" in again[0]["text"] and "150%" not in again[0]["text"]


def test_while_a_case_waits_the_bot_keeps_answering_and_the_worker_can_withdraw(app_client, fake_rasa):
    client, app = app_client
    fake_rasa.queued.append(
        [
            event(
                "open_case",
                description="老板欠我三个月工资",
                district="朝阳区",
                phone_consent=True,
                phone_given=True,
                topic="wage_arrears",
            )
        ]
    )
    opened = send(client, "转人工 我的电话13800001111")
    assert any("编号" in m["text"] for m in opened)
    case = rows(app, Case)[0]
    assert case.phone == "13800001111" and case.consent and case.district == "朝阳区"
    answer = send(client, "加班费怎么算")
    assert "已转给律师，请耐心等待" not in answer[0]["text"] and "150%" in answer[0]["text"]
    asked = rows(app, ConversationMessage, ConversationMessage.text == "加班费怎么算")[0]
    assert asked.case_id == case.id  # the lawyer sees it in the transcript
    status = send(client, "查看求助进度", payload="/case_status")
    assert f"编号 {case.id}" in status[0]["text"]
    withdrawn = send(client, "撤回求助", payload="/withdraw_case")
    assert "已撤回" in withdrawn[0]["text"]
    assert rows(app, Case)[0].status == "closed"


def test_an_unhelpful_answer_goes_to_the_unanswered_queue(app_client, fake_rasa):
    client, app = app_client
    send(client, "公司一直没给我交社保怎么办")
    fake_rasa.queued.append(
        [event("feedback", score=2, about="answer", helpful=False), {"text": "谢谢您的评价，我们会继续改进！"}]
    )
    send(client, "2")
    missed = rows(app, UnansweredQuestion)
    assert [m.reason for m in missed] == ["not_helpful"] and "社保" in missed[0].text


def test_when_rasa_is_down_the_worker_is_asked_to_resend_and_nothing_is_lost(app_client, fake_rasa):
    client, app = app_client
    fake_rasa.down = True
    body = {"text": "老板不发工资", "client_id": "resend-client-0001", "after": 0}
    first = client.post("/api/webchat/messages", json=body).json()["messages"]
    assert "系统繁忙" in first[-1]["text"]
    fake_rasa.down = False
    second = client.post("/api/webchat/messages", json=body).json()["messages"]  # the same message again
    assert second[-1]["author"] == "bot"


def test_while_the_knowledge_base_loads_a_question_gets_a_clear_answer_not_an_error(app_client):
    client, app = app_client
    loaded, app.state.kb = app.state.kb, None  # the app has just started and is still loading the index
    try:
        replies = send(client, "老板拖欠工资三个月了怎么办")
    finally:
        app.state.kb = loaded
    assert "正在更新" in replies[0]["text"] and "转人工" in replies[0]["text"]
    assert send(client, "老板拖欠工资三个月了怎么办")[0]["citations"]  # answered once loaded


def test_bad_input_is_refused_with_a_reason_and_nothing_stored(app_client):
    client, app = app_client
    for text, why in (("   ", "空"), ("长" * 2001, "太长")):
        response = client.post("/api/webchat/messages", json={"text": text, "client_id": "bad-input-0001"})
        assert response.status_code == 422 and why in response.json()["detail"]
    huge = client.get("/api/webchat/messages", params={"after": 9223372036854775808})
    assert huge.status_code == 422
    assert rows(app, ConversationMessage) == []


@pytest.mark.parametrize(
    "text,asks",
    [
        ("帮我联系一下工会律师 欠薪的事", True),
        ("有没有活人 我要跟律师当面谈", True),
        ("律师在么 拖欠工资三个月了", True),
        ("工资的事不愿意跟机器聊了 给我找个人", True),
        ("机器人能算加班费吗 工资少了", False),
        ("请律师打官司要多少钱 工资被拖欠了", False),
        ("公司的律师说我违约要赔钱 欠薪也不给", False),
    ],
)
def test_a_request_for_a_person_in_so_many_words_is_one_whatever_the_nlu_says(app_client, fake_rasa, text, asks):
    client, _app = app_client
    fake_rasa.intents[text] = ("wage_arrears", 0.9)  # the NLU took it for a wage question
    send(client, text)
    sent = fake_rasa.turns[-1].parse_data["intent"]["name"]
    assert (sent == "request_human") == asks, sent


def test_a_worker_who_asks_for_a_lawyer_and_describes_the_problem_gets_the_answer_while_one_is_found(
    app_client, fake_rasa
):
    client, _app = app_client
    text = "单位不给我交社保 还扣押我的身份证不还 望律师帮忙看看"
    replies = send(client, text)
    turn = fake_rasa.turns[-1]
    assert turn.parse_data["intent"]["name"] == "request_human"  # the dialogue starts the handoff
    decision = turn.metadata["decision"]
    assert decision["kind"] == "handoff" and decision["citations"] and decision["buttons"] == []
    assert replies[0]["text"].endswith("您要找工会律师，接下来为您转接。")
    assert "回复“转人工”" not in replies[0]["text"]  # they already asked for one
    assert "请简单说说您遇到的问题" not in replies[0]["text"]  # they already did
    assert "身份证" in replies[0]["text"] and "援助律师" not in replies[0]["text"]  # their problem, not lawyers


@pytest.mark.parametrize(
    "text,says",
    [
        ("帮我联系一下工会律师 欠薪的事", "请简单说说您遇到的问题"),  # says little else: asked what happened
        ("我在小区干绿化养护 从5月到9月 望律师帮忙看看怎么办", "收到您说的情况"),  # no sure answer: the lawyer's
    ],
)
def test_a_request_for_a_lawyer_without_a_sure_answer_gets_no_guess(app_client, fake_rasa, text, says):
    client, _app = app_client
    send(client, text)
    decision = fake_rasa.turns[-1].metadata["decision"]
    assert decision["kind"] == "handoff" and decision["citations"] == [] and decision["text"].startswith(says)
