"""Calculator results, and the events the handoff, call-back and feedback actions report to the app."""

from datetime import date

from action_fixtures import app_events, make_tracker, run, slots_set, texts_of

from actions.feedback import ActionSubmitFeedback
from actions.forms.calculator_forms import CALCULATOR_SLOTS
from actions.forms.results import ActionCalculate
from actions.handoff import ActionOpenCase, ActionRequestCallback
from knowledge_base.calculators import local_figure


def test_severance_result_shows_inputs_formula_amount_figure_and_citations(dispatcher):
    slots = {
        "calculator": "severance",
        "tenure": [3, 6, 0],
        "monthly_wage": "8000",
        "city": "北京",
        "unlawful_dismissal": "no",
    }
    events = run(ActionCalculate(), dispatcher, make_tracker("否", "deny", slots=slots))
    result, offer = dispatcher.messages
    text = result["text"]
    assert "经济补偿（N）：32000.00元" in text  # 3 years + 6 months (counts as a year) = 4 × 8000
    assert "8000.00元×4" in text and "本单位工作年限：3年6个月" in text
    figure = local_figure("北京", "average_monthly_wage", date.today())
    assert f"{figure.year}年数据" in text  # which local figure and year was used
    assert "第四十七条" not in text  # the articles are the citation cards under the result
    assert result["custom"]["citations"][0] == {"law": "劳动合同法", "article": 47, "text": ""}
    assert offer["buttons"][0]["payload"] == "/affirm"  # yes to the offered lawyer
    assert slots_set(events)["expecting"] == "human_offer"
    assert all(slots_set(events)[slot] is None for slot in [*CALCULATOR_SLOTS, "calculator"])


def test_unlawful_dismissal_doubles_and_unsure_explains(dispatcher):
    slots = {
        "calculator": "severance",
        "tenure": [0, 5, 29],
        "monthly_wage": "6000",
        "city": "北京",
        "unlawful_dismissal": "yes",
    }
    run(ActionCalculate(), dispatcher, make_tracker("是", "affirm", slots=slots))
    assert "违法解除赔偿金（2N）：6000.00元" in dispatcher.messages[0]["text"]  # 2 × 0.5 × 6000
    slots["unlawful_dismissal"] = "unsure"
    unsure = type(dispatcher)()
    run(ActionCalculate(), unsure, make_tracker("不确定", "inform", slots=slots))
    assert "经济补偿（N）：3000.00元" in unsure.messages[0]["text"] and "二倍" in unsure.messages[0]["text"]


def test_overtime_and_arbitration_results(dispatcher):
    slots = {
        "calculator": "overtime",
        "overtime_wage": "8700",
        "workday_hours": "10",
        "rest_day_hours": "8",
        "holiday_hours": "0",
    }
    run(ActionCalculate(), dispatcher, make_tracker("没有", "deny", slots=slots))
    # hourly 8700 / 21.75 / 8 = 50; 10 h × 150 % + 8 h × 200 % = 31 h → 1550
    assert "加班费：1550.00元" in dispatcher.messages[0]["text"]
    later = type(dispatcher)()
    run(
        ActionCalculate(),
        later,
        make_tracker(
            "在职",
            "inform",
            slots={"calculator": "arbitration", "arbitration_wage_claim": True, "employment_end": "employed"},
        ),
    )
    assert "不受一年时效限制" in later.messages[0]["text"]


def test_the_end_of_the_handoff_form_is_reported_to_the_app(dispatcher):
    """The app opens the case and says its number; the tracker only ever had masked text."""
    slots = {
        "handoff_description": "老板拖欠三个月工资，电话139****5678",
        "district": "朝阳区",
        "phone_consent": False,
        "contact_phone": None,
        "last_intent": "wage_arrears",
    }
    events = run(ActionOpenCase(), dispatcher, make_tracker("不同意", "deny", slots=slots))
    assert app_events(dispatcher) == [
        {
            "type": "open_case",
            "description": "老板拖欠三个月工资，电话139****5678",
            "district": "朝阳区",
            "phone_consent": False,
            "phone_given": False,
            "topic": "wage_arrears",
        }
    ]
    assert texts_of(dispatcher) == []  # the app says the case number once it has opened the case
    assert all(slots_set(events)[slot] is None for slot in ("handoff_description", "contact_phone", "expecting"))

    consented = type(dispatcher)()
    slots.update(phone_consent=True, contact_phone="139****5678")
    run(ActionOpenCase(), consented, make_tracker("139****5678", "inform", slots=slots))
    assert app_events(consented)[0]["phone_given"] is True


def test_a_call_back_number_is_reported_to_the_app(dispatcher):
    events = run(
        ActionRequestCallback(),
        dispatcher,
        make_tracker("139****5678", "inform", slots={"contact_phone": "139****5678"}),
    )
    assert app_events(dispatcher) == [{"type": "callback", "phone_given": True}]
    assert slots_set(events) == {"contact_phone": None, "expecting": None}


def test_feedback_is_reported_and_an_unhelpful_answer_offers_a_human(dispatcher):
    events = run(
        ActionSubmitFeedback(),
        dispatcher,
        make_tracker("2", "inform", slots={"feedback_score": 2, "answer_helpful": False}),
    )
    assert app_events(dispatcher) == [{"type": "feedback", "score": 2, "about": "answer", "helpful": False}]
    assert texts_of(dispatcher) == [
        "谢谢您的评价，我们会继续改进！",
        "需要的话，我可以帮您转给工会律师，由律师具体看看您的情况。",
    ]
    assert dispatcher.messages[-1]["buttons"][0]["payload"] == "/affirm"
    assert slots_set(events)["expecting"] == "human_offer"


def test_double_wage_and_annual_leave_results(dispatcher):
    slots = {
        "calculator": "double_wage",
        "monthly_wage": "6000",
        "employment_start": "2024-01-01",
        "contract_signed_on": "none",
        "employment_end": "2024-06-30",
    }
    run(ActionCalculate(), dispatcher, make_tracker("2024年6月30日", "inform", slots=slots))
    # owed from 2024-02-01 to 2024-06-30: 5 months × 6000
    assert "未签书面合同的二倍工资差额：30000.00元" in dispatcher.messages[0]["text"]
    leave = type(dispatcher)()
    run(
        ActionCalculate(),
        leave,
        make_tracker(
            "不是",
            "deny",
            slots={
                "calculator": "annual_leave",
                "cumulative_years": [12, 0, 0],
                "leave_days_taken": 4,
                "monthly_wage": "8700",
                "leave_dates": {"left_on": "2024-06-30"},
            },
        ),
    )
    # 182 days / 365 × 10 = 4.98 → 4 days, all taken → nothing owed
    assert "2024年应休4天，未休0天" in leave.messages[0]["text"]


def test_ask_actions_put_the_question_and_its_buttons(dispatcher):
    from actions.forms.base import ASK_ACTIONS

    ask = next(a() for a in ASK_ACTIONS if a().name() == "action_ask_phone_consent")
    run(ask, dispatcher, make_tracker("转人工", "request_human"))
    assert "是否同意留下手机号" in dispatcher.messages[0]["text"]
    assert [b["payload"] for b in dispatcher.messages[0]["buttons"]] == ["/affirm", "/deny"]


def test_severance_for_an_unknown_city_says_no_cap_was_checked(dispatcher):
    slots = {
        "calculator": "severance",
        "tenure": [2, 0, 0],
        "monthly_wage": "50000",
        "city": "不详",
        "unlawful_dismissal": "no",
    }
    run(ActionCalculate(), dispatcher, make_tracker("不是", "deny", slots=slots))
    text = dispatcher.messages[0]["text"]
    assert "经济补偿（N）：100000.00元" in text and "未核对三倍封顶" in text


def test_calculator_citations_use_the_answer_shape():
    from actions.forms.results import contract_citations

    shaped = contract_citations(
        [
            {"law": "中华人民共和国劳动合同法", "article": "第四十七条"},
            {"law": "关于职工全年月平均工作时间和工资折算问题的通知", "article": "二、日工资、小时工资的折算"},
        ]
    )
    assert shaped == [{"law": "劳动合同法", "article": 47, "text": ""}]
