"""Form conversations driven through the real Rasa server and the real action server.

Button clicks are sent as their payloads, as the web chat does; the app's internal API is a
recording HTTP server, so each test sets the app's answer and checks what the actions sent.
"""
import itertools

import requests

import pytest

pytestmark = pytest.mark.slow

CITATION = {"law": "劳动合同法", "article": 47, "text": "第四十七条 经济补偿按劳动者在本单位工作的年限……"}
_senders = itertools.count()


def sender() -> str:
    return f"web:dialogue-{next(_senders)}"


def app_answers(app, answer="依法应支付经济补偿。", citations=(CITATION,), escalate=False, case_id=None):
    app.responses["/internal/v1/reply"] = {
        "intent": "dismissal", "confidence": 0.9, "entities": [], "answer": answer, "citations": list(citations),
        "escalate": escalate, "priority": "urgent" if escalate else None, "reasons": [], "case_id": case_id}


def buttons(messages):
    return [b["payload"] for m in messages for b in m.get("buttons") or []]


def test_severance_calculator_from_the_button_under_an_answer(bot):
    app_answers(bot.app)
    me = sender()
    answer = bot.say(me, "我在北京干了三年半，月薪8千，被公司辞退了")
    assert answer[0]["text"] == "依法应支付经济补偿。"
    assert '/inform{"calculator":"severance"}' in buttons(answer)

    started = bot.texts(me, '/inform{"calculator":"severance"}')
    assert "已使用您之前提到的：工作年限3年6个月，月工资8000元，工作城市北京" in started
    assert "单位解除劳动合同是否违法" in started

    result = bot.say(me, "不是")
    text = "\n".join(m.get("text") or "" for m in result)
    assert "经济补偿（N）：32000.00元" in text
    assert "北京市上年度职工月平均工资" in text and "第四十七条" in text
    assert "/request_human" in buttons(result)
    assert bot.active_loop(me) is None


def test_typed_request_to_calculate_starts_the_calculator(bot):
    app_answers(bot.app, answer="加班费按小时工资计算。")
    me = sender()
    started = bot.texts(me, "月薪6000，帮我算算加班费")
    assert "我来帮您算一算加班费" in started and "工作日下班后加班" in started  # wage taken from the message
    assert bot.active_loop(me) == "overtime_form"


def test_overtime_calculator_with_typed_answers_and_a_bad_one(bot):
    me = sender()
    assert "月工资是多少" in bot.texts(me, '/inform{"calculator":"overtime"}')
    again = bot.texts(me, "不知道")
    assert "例如：8000、8千、一万二" in again and "月工资是多少" in again
    assert "工作日下班后加班" in bot.texts(me, "8千7")
    assert "休息日" in bot.texts(me, "10个小时")
    assert "法定节假日" in bot.texts(me, "8小时")
    # 8700 / 21.75 / 8 = 50 per hour; 10 h × 150 % + 8 h × 200 % = 1550
    result = bot.texts(me, "没有")
    assert "加班费：1550.00元" in result and "需要工会律师帮您核对吗" in result
    assert bot.texts(me, "/deny") == "还有其他问题吗？"  # the offered lawyer declined


def test_the_worker_can_leave_a_calculator_and_talk_on(bot):
    app_answers(bot.app, answer="您好！", citations=())
    me = sender()
    assert "在职期间被拖欠的工资" in bot.texts(me, '/inform{"calculator":"arbitration"}')
    assert bot.texts(me, "不算了").startswith("好的，已停止")
    assert bot.active_loop(me) is None
    assert "职工法律服务助手" in bot.texts(me, "/greet")  # the fixed greeting follows the app's screening


def test_arbitration_deadline_for_a_dismissal(bot):
    me = sender()
    bot.texts(me, '/inform{"calculator":"arbitration"}')
    assert "哪天知道" in bot.texts(me, "不是")
    assert "申请仲裁的最后一日是" in bot.texts(me, "上个月15号")


def test_handoff_form_opens_a_case_with_the_consented_phone(bot):
    bot.app.responses["/internal/v1/cases"] = {"case_id": 7, "status": "open"}
    me = sender()
    assert "请简单说说您遇到的问题" in bot.texts(me, "/request_human")
    assert "哪个区" in bot.texts(me, "公司拖欠我三个月工资不给")
    assert "是否同意留下手机号" in bot.texts(me, "朝阳")
    assert "请输入您的手机号" in bot.texts(me, "同意")
    done = bot.texts(me, "13912345678")
    assert "已为您登记求助，编号 7。" in done and "您的问题已转给工会律师" in done
    case = bot.app.last("/internal/v1/cases")["json"]
    assert case["sender_id"] == me and case["description"] == "公司拖欠我三个月工资不给"
    assert case["district"] == "朝阳区" and case["phone"] == "13912345678" and case["consent"] is True


def test_handoff_without_consent_sends_no_phone(bot):
    bot.app.responses["/internal/v1/cases"] = {"case_id": 8, "status": "open"}
    me = sender()
    bot.texts(me, "/request_human")
    bot.texts(me, "老板不让我休年假还扣工资")
    bot.texts(me, "外地")
    assert "编号 8" in bot.texts(me, "不同意")
    case = bot.app.last("/internal/v1/cases")["json"]
    assert case["phone"] == "" and case["consent"] is False and case["district"] == "北京市外"


def test_request_for_a_human_inside_a_calculator_starts_the_handoff(bot):
    me = sender()
    bot.texts(me, '/inform{"calculator":"severance"}')
    assert "请简单说说您遇到的问题" in bot.texts(me, "/request_human")
    assert bot.active_loop(me) == "handoff_form"


def test_feedback_after_an_answer(bot):
    app_answers(bot.app)
    me = sender()
    assert "这个回答对您有帮助吗？" in bot.texts(me, "/dismissal")
    asked = bot.texts(me, "/affirm")
    assert "很高兴能帮到您！" in asked and "打个分" in asked
    assert "谢谢您的评价" in bot.texts(me, "5")
    assert bot.app.last("/internal/v1/feedback")["json"] == {"sender_id": me, "score": 5, "about": "answer"}


def test_unhelpful_answer_then_offer_of_a_human_accepted(bot):
    app_answers(bot.app)
    me = sender()
    bot.texts(me, "/dismissal")
    assert "抱歉没能帮到您" in bot.texts(me, "/deny")
    assert "转给工会律师" in bot.texts(me, "2")
    assert "请简单说说您遇到的问题" not in bot.texts(me, "/affirm")  # the question is already known
    assert bot.active_loop(me) == "handoff_form"


def test_two_messages_in_a_row_not_understood_offer_a_human(bot):
    app_answers(bot.app, answer="抱歉，我没太明白您的意思。", citations=())
    me = sender()
    first = bot.say(me, "/nlu_fallback")
    assert "/request_human" not in buttons(first)
    second = bot.say(me, "/nlu_fallback")
    assert "/request_human" in buttons(second) and "转人工" in second[-1]["text"]


def test_an_escalated_reply_replaces_the_fixed_text(bot):
    app_answers(bot.app, answer="请立即拨打120。\n\n您的问题已转给工会律师", citations=(), escalate=True, case_id=3)
    me = sender()
    # Rasa sends each paragraph as its own message; nothing follows the handoff notice
    assert [m["text"] for m in bot.say(me, "/goodbye")] == ["请立即拨打120。", "您的问题已转给工会律师"]


def test_closed_case_is_rated_when_the_app_asks(bot):
    me = sender()
    asked = requests.post(f"{bot.url}/conversations/{me}/trigger_intent",
                          json={"name": "inform", "entities": {"feedback_about": "case"}}, timeout=60).json()
    assert "打个分" in "\n".join(m.get("text", "") for m in asked["messages"])
    assert "谢谢您的评价" in bot.texts(me, "4")
    assert bot.app.last("/internal/v1/feedback")["json"] == {"sender_id": me, "score": 4, "about": "case"}
