"""Conversations through the real Rasa server and the real action server, driven as the app drives them:
the app's decision comes with each message, and button taps arrive as their intents."""

import itertools

import pytest
from dialogue_fixtures import events_in

pytestmark = pytest.mark.slow

CITATION = {"law": "劳动合同法", "article": 47, "text": "第四十七条 经济补偿按劳动者在本单位工作的年限……"}
ANSWER = {
    "kind": "card",
    "text": "按工作年限，每满一年支付一个月工资。",
    "intent": "dismissal",
    "expecting": "feedback",
    "citations": [CITATION],
    "buttons": [{"title": "有帮助", "payload": "/affirm"}],
}
SEVERANCE = [{"entity": "calculator", "value": "severance"}]
_senders = itertools.count()


def sender() -> str:
    return f"web:dialogue-{next(_senders)}"


def buttons(messages):
    return [b["payload"] for m in messages for b in m.get("buttons") or []]


def test_an_answer_then_the_calculator_with_facts_from_the_conversation(bot):
    me = sender()
    answer = bot.turn(me, "在北京干了三年半 月薪8千 被辞退了", "dismissal", ANSWER)
    assert answer[0]["text"] == ANSWER["text"] and answer[-1]["custom"] == {"citations": [CITATION]}

    started = bot.texts(
        me, "算一算经济补偿", "inform", entities=SEVERANCE, facts={"service": "3年6个月", "monthly_wage": "8000"}
    )
    assert "我来帮您算一算经济补偿" in started
    assert "已使用您之前提到的：工作年限3年6个月，月工资8000元，工作城市北京" in started
    assert "单位解除劳动合同是否违法" in started

    result = bot.turn(me, "不是", "deny")
    text = "\n".join(m.get("text") or "" for m in result)
    assert "经济补偿（N）：32000.00元" in text and "北京市上年度职工月平均工资" in text
    assert "/affirm" in buttons(result)  # a lawyer offered to check it
    assert bot.active_loop(me) is None


def test_overtime_answers_are_filed_under_the_day_they_name(bot):
    me = sender()
    asked = bot.texts(me, "算一算加班费", "inform", entities=[{"entity": "calculator", "value": "overtime"}])
    assert "月工资是多少" in asked and "离职前12个月" not in asked
    assert "工作日" in bot.texts(me, "8千7", "inform")
    assert "工作日" in bot.texts(me, "周末加了2天", "inform")  # weekend hours taken, weekday asked again
    assert "法定节假日" in bot.texts(me, "10个小时", "inform")
    # 8700 / 21.75 / 8 = 50 per hour; 10 h × 150 % + 16 h × 200 % = 2350
    assert "加班费：2350.00元" in bot.texts(me, "没有", "deny")


def test_the_worker_can_leave_a_calculator_and_talk_on(bot):
    me = sender()
    assert "在职期间被拖欠的工资" in bot.texts(
        me, "算算仲裁时效", "inform", entities=[{"entity": "calculator", "value": "arbitration"}]
    )
    assert bot.texts(me, "不算了", "deny").startswith("好的，已停止")
    assert bot.active_loop(me) is None
    greeting = {"kind": "fixed", "text": "您好！我是市总工会的职工法律服务助手。", "expecting": None}
    assert bot.texts(me, "你好", "greet", decision=greeting) == greeting["text"]


def test_handoff_form_reports_the_case_to_the_app_with_masked_text_only(bot):
    me = sender()
    assert "请简单说说您遇到的问题" in bot.texts(me, "转人工", "request_human")
    assert "哪个区" in bot.texts(me, "公司拖欠我三个月工资不给", "wage_arrears")
    assert "是否同意留下手机号" in bot.texts(me, "朝阳", "inform")
    assert "请输入您的手机号" in bot.texts(me, "同意", "affirm")
    done = bot.turn(me, "139****5678", "inform")
    assert events_in(done) == [
        {
            "type": "open_case",
            "description": "公司拖欠我三个月工资不给",
            "district": "朝阳区",
            "phone_consent": True,
            "phone_given": True,
            "topic": "",
        }
    ]
    tracker = bot.tracker(me).json()
    said = " ".join(e.get("text") or "" for e in tracker["events"] if e.get("event") == "user")
    assert "139****5678" in said and "13912345678" not in said


def test_a_request_for_a_lawyer_with_an_answered_problem_gets_the_answer_then_the_handoff(bot):
    me = sender()
    text = "单位不给我交社保 还扣押我的身份证不还 望律师帮忙看看"
    answered = {**ANSWER, "kind": "handoff", "text": "先要求单位归还……您要找工会律师，接下来为您转接。", "buttons": []}
    said = bot.turn(me, text, "request_human", answered)
    assert said[0]["text"] == answered["text"] and said[1]["custom"] == {"citations": [CITATION]}
    assert "哪个区" in said[-1]["text"]  # the problem it described is the case's description
    assert bot.active_loop(me) == "handoff_form"


def test_a_crisis_reply_interrupts_a_form_and_a_call_back_number_follows(bot):
    me = sender()
    bot.texts(me, "算一算经济补偿", "inform", entities=SEVERANCE)
    crisis = {
        "kind": "crisis",
        "text": "您现在的安全最重要。请拨打12356。",
        "expecting": "callback",
        "buttons": [{"title": "留下电话", "payload": "/affirm"}],
    }
    assert bot.texts(me, "活着没意思", "app_reply", decision=crisis) == crisis["text"]
    assert bot.active_loop(me) is None
    assert "手机号" in bot.texts(me, "留下电话", "affirm")
    assert events_in(bot.turn(me, "139****5678", "inform")) == [{"type": "callback", "phone_given": True}]


def test_feedback_after_an_answer_is_reported(bot):
    me = sender()
    bot.turn(me, "被辞退了有补偿吗", "dismissal", ANSWER)
    asked = bot.texts(me, "有帮助", "affirm")
    assert "很高兴能帮到您！" in asked and "打个分" in asked
    thanks = bot.turn(me, "5", "inform")
    assert events_in(thanks) == [{"type": "feedback", "score": 5, "about": "answer", "helpful": True}]


def test_unhelpful_answer_then_offer_of_a_human_accepted(bot):
    me = sender()
    bot.turn(me, "被辞退了有补偿吗", "dismissal", ANSWER)
    assert "抱歉没能帮到您" in bot.texts(me, "没帮助", "deny")
    assert "转给工会律师" in bot.texts(me, "2", "inform")
    bot.turn(me, "要", "affirm")
    assert bot.active_loop(me) == "handoff_form"


def test_rasa_refuses_whoever_has_no_token(bot):
    me = sender()
    bot.turn(me, "你好", "greet", {"kind": "fixed", "text": "您好！"})
    assert bot.tracker(me, token=None).status_code == 401
    assert bot.tracker(me, token="wrong").status_code == 401
    import requests

    forged = requests.post(
        f"{bot.url}/webhooks/app/webhook",
        json={"sender": me, "text": "x", "parse_data": {"intent": {"name": "greet"}}},
        timeout=30,
    )
    assert forged.status_code == 401
