"""action_answer_question against a real HTTP server on 127.0.0.1 playing the app's internal API."""
import asyncio

import pytest
from action_fixtures import TOKEN, make_tracker, run, slots_set, texts_of

from actions.answer import ActionAnswerQuestion
from actions.app_client import AppClient, AppUnavailable

CITATION = {"law": "劳动合同法", "article": 47, "text": "第四十七条 经济补偿按劳动者在本单位工作的年限……"}


def reply(answer: str, citations=(), escalate=False, case_id=None, intent="dismissal") -> dict:
    return {"intent": intent, "confidence": 0.9, "entities": [], "answer": answer, "citations": list(citations),
            "escalate": escalate, "priority": "urgent" if escalate else None, "reasons": [], "case_id": case_id}


def test_topic_answer_sends_the_message_and_offers_feedback_and_a_calculator(app, dispatcher):
    app.responses["/internal/v1/reply"] = reply("公司辞退您，应按工作年限支付经济补偿。", [CITATION])
    tracker = make_tracker("干了三年被公司辞退了怎么办", "dismissal", 0.91,
                           entities=[{"entity": "duration", "value": "P3Y", "start": 1, "end": 3}])
    events = run(ActionAnswerQuestion(), dispatcher, tracker)

    sent = app.last("/internal/v1/reply")
    assert sent["headers"]["Authorization"] == f"Bearer {TOKEN}"
    assert sent["json"] == {"sender_id": "web:worker-1", "text": "干了三年被公司辞退了怎么办", "intent": "dismissal",
                            "confidence": 0.91,
                            "entities": [{"entity": "duration", "value": "P3Y", "start": 1, "end": 3}]}
    answer, question = dispatcher.messages
    assert answer["text"] == "公司辞退您，应按工作年限支付经济补偿。"
    assert answer["custom"] == {"citations": [CITATION]}
    assert question["text"] == "这个回答对您有帮助吗？"
    payloads = [b["payload"] for b in question["buttons"]]
    assert payloads[:3] == ["/affirm", "/deny", "/request_human"]
    assert '/inform{"calculator":"severance"}' in payloads and '/inform{"calculator":"arbitration"}' in payloads
    assert slots_set(events) == {"not_understood": False, "last_question": "干了三年被公司辞退了怎么办",
                                 "last_intent": "dismissal", "expecting": "feedback"}


def test_low_confidence_message_goes_to_the_app_with_the_best_real_intent(app, dispatcher):
    app.responses["/internal/v1/reply"] = reply("抱歉，我没太明白您的意思。", intent="leave")
    ranking = [{"name": "nlu_fallback", "confidence": 0.35}, {"name": "leave", "confidence": 0.31},
               {"name": "greet", "confidence": 0.2}]
    tracker = make_tracker("那个假的事", "nlu_fallback", 0.35, ranking=ranking)
    events = run(ActionAnswerQuestion(), dispatcher, tracker)
    assert app.last("/internal/v1/reply")["json"]["intent"] == "leave"
    assert app.last("/internal/v1/reply")["json"]["confidence"] == 0.31
    assert texts_of(dispatcher) == ["抱歉，我没太明白您的意思。"]  # a request to rephrase is not rated
    assert slots_set(events)["expecting"] is None
    assert slots_set(events)["not_understood"] is True  # a second one in a row offers a human


def test_crisis_reply_is_uttered_and_nothing_follows_it(app, dispatcher):
    crisis = "如有生命危险请立即拨打110、120。\n\n您的问题已转给工会律师……"
    app.responses["/internal/v1/reply"] = reply(crisis, escalate=True, case_id=17, intent="goodbye")
    events = run(ActionAnswerQuestion(), dispatcher, make_tracker("再见了，我不想活了", "goodbye"))
    assert texts_of(dispatcher) == [crisis]
    assert slots_set(events)["case_id"] == 17
    assert {"event": "followup", "name": "action_listen"} in [
        {k: e[k] for k in ("event", "name") if k in e} for e in events]


def test_small_talk_is_screened_silently_so_the_rule_utters_the_fixed_text(app, dispatcher):
    app.responses["/internal/v1/reply"] = reply("您好！", intent="greet")
    events = run(ActionAnswerQuestion(), dispatcher, make_tracker("你好", "greet"))
    assert app.last("/internal/v1/reply")["json"]["intent"] == "greet"
    assert dispatcher.messages == []
    assert not any(e.get("event") == "followup" for e in events)


def test_typed_calculation_request_starts_the_calculator(app, dispatcher):
    app.responses["/internal/v1/reply"] = reply("加班费按……", [CITATION], intent="overtime_hours")
    events = run(ActionAnswerQuestion(), dispatcher, make_tracker("月薪6000，帮我算算加班费", "overtime_hours"))
    assert texts_of(dispatcher) == ["好的，我来帮您算一算加班费。（随时回复“退出”可以停止）"]
    assert slots_set(events)["calculator"] == "overtime"
    assert {"event": "followup", "name": "overtime_form"} in [
        {k: e[k] for k in ("event", "name") if k in e} for e in events]


def test_app_down_gives_a_clear_message_for_questions_and_silence_for_small_talk(app_down, dispatcher):
    run(ActionAnswerQuestion(), dispatcher, make_tracker("工资被拖欠了", "wage_arrears"))
    assert texts_of(dispatcher) == ["抱歉，系统暂时无法查询，请稍后再试。急需帮助可以拨打职工服务热线12351。"]
    quiet = type(dispatcher)()
    run(ActionAnswerQuestion(), quiet, make_tracker("谢谢", "thank"))
    assert quiet.messages == []


def test_client_gives_up_after_its_timeout_and_on_errors(app):
    app.delay_s = 1.0
    with pytest.raises(AppUnavailable):
        asyncio.run(AppClient(timeout_s=0.2).reply("web:1", "问题", "leave", 0.9, []))
    app.delay_s = 0.0
    app.status["/internal/v1/reply"] = 500
    with pytest.raises(AppUnavailable):
        asyncio.run(AppClient().reply("web:1", "问题", "leave", 0.9, []))
