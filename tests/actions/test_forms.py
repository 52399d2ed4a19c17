"""Form validation: prefilled facts, free-text answers, re-asking with an example, leaving the form."""

from action_fixtures import make_tracker, run, slots_set, texts_of

from actions.forms.calculator_forms import ValidateArbitrationForm, ValidateOvertimeForm, ValidateSeveranceForm
from actions.forms.feedback_form import ValidateFeedbackForm
from actions.forms.handoff_form import ValidateHandoffForm


def events_of_type(events, kind):
    return [e for e in events if e.get("event") == kind]


def test_severance_form_start_takes_the_facts_the_app_read_in_the_conversation(dispatcher):
    tracker = make_tracker(
        "算一算经济补偿",
        "inform",
        slots={"last_question": "在北京干了三年半，月薪8千，被公司辞退了"},
        metadata={"facts": {"service": "3年6个月", "monthly_wage": "8000"}},
    )
    events = run(ValidateSeveranceForm(), dispatcher, tracker)
    assert slots_set(events) == {
        "tenure": [3, 6, 0],
        "monthly_wage": "8000",
        "city": "北京",
        "requested_slot": "unlawful_dismissal",
    }
    assert texts_of(dispatcher) == [
        "好的，我来帮您算一算经济补偿。（随时回复“退出”可以停止）",
        "已使用您之前提到的：工作年限3年6个月，月工资8000元，工作城市北京。如有不对，请回复“退出”后重新开始。",
    ]


def test_without_known_facts_the_form_asks_from_the_first_question(dispatcher):
    events = run(ValidateSeveranceForm(), dispatcher, make_tracker("算一算经济补偿", "inform"))
    assert slots_set(events) == {"requested_slot": "tenure"}


def test_overtime_answers_go_to_the_kind_of_day_they_name(dispatcher):
    """Asked about weekday overtime, "周末加了2天" is weekend overtime; the weekday question comes again."""
    tracker = make_tracker(
        "周末加了2天",
        "inform",
        active_loop="overtime_form",
        slots={"requested_slot": "workday_hours", "overtime_wage": "6000"},
    )
    events = run(ValidateOvertimeForm(), dispatcher, tracker)
    assert slots_set(events) == {"rest_day_hours": "16", "requested_slot": "workday_hours"}
    both = make_tracker(
        "平时加了20小时，国庆加了1天",
        "inform",
        active_loop="overtime_form",
        slots={"requested_slot": "workday_hours", "overtime_wage": "6000"},
    )
    events = run(ValidateOvertimeForm(), type(dispatcher)(), both)
    assert slots_set(events) == {"workday_hours": "20", "holiday_hours": "8", "requested_slot": "rest_day_hours"}


def test_overtime_asks_for_the_wage_the_pay_is_computed_from(dispatcher):
    from actions.forms.questions import QUESTIONS

    assert "离职前12个月" not in QUESTIONS["overtime_wage"].text and "月工资" in QUESTIONS["overtime_wage"].text


def test_what_the_app_says_regardless_interrupts_any_form(dispatcher):
    for form, slot in ((ValidateSeveranceForm(), "monthly_wage"), (ValidateHandoffForm(), "district")):
        tracker = make_tracker("活着没意思", "app_reply", active_loop=form.form_name(), slots={"requested_slot": slot})
        assert run(form, dispatcher, tracker) == []


def test_free_text_answer_fills_the_requested_slot(dispatcher):
    tracker = make_tracker(
        "一个月八千块",
        "inform",
        active_loop="severance_form",
        slots={"requested_slot": "monthly_wage", "tenure": [2, 0, 0]},
    )
    events = run(ValidateSeveranceForm(), dispatcher, tracker)
    assert slots_set(events) == {"monthly_wage": "8000", "requested_slot": "city"}
    assert dispatcher.messages == []


def test_implausible_answer_is_asked_again_with_an_example(dispatcher):
    tracker = make_tracker("8", "inform", active_loop="severance_form", slots={"requested_slot": "monthly_wage"})
    events = run(ValidateSeveranceForm(), dispatcher, tracker)
    assert slots_set(events) == {"monthly_wage": None, "requested_slot": "monthly_wage"}
    assert texts_of(dispatcher) == ["没看懂您的回答。例如：8000、8千、一万二。"]


def test_no_on_a_yes_no_question_is_an_answer_not_an_exit(dispatcher):
    tracker = make_tracker(
        "不是",
        "deny",
        active_loop="severance_form",
        slots={"requested_slot": "unlawful_dismissal", "tenure": [1, 0, 0], "monthly_wage": "5000", "city": "北京"},
    )
    events = run(ValidateSeveranceForm(), dispatcher, tracker)
    assert slots_set(events) == {"unlawful_dismissal": "no", "requested_slot": None}


def test_worker_can_leave_the_form(dispatcher):
    for text, intent in (("不算了", "deny"), ("退出", "goodbye"), ("算了吧", "deny")):
        tracker = make_tracker(
            text,
            intent,
            active_loop="severance_form",
            slots={"requested_slot": "city", "tenure": [1, 0, 0], "calculator": "severance"},
        )
        events = run(ValidateSeveranceForm(), dispatcher, tracker)
        assert {"event": "active_loop", "name": None} in [
            {k: e.get(k) for k in ("event", "name")} for e in events_of_type(events, "active_loop")
        ]
        assert events_of_type(events, "followup")[0]["name"] == "action_listen"
        assert slots_set(events)["tenure"] is None and slots_set(events)["calculator"] is None
    assert texts_of(dispatcher)[0].startswith("好的，已停止")


def test_deny_leaves_a_form_whose_question_is_not_yes_no(dispatcher):
    tracker = make_tracker("不要", "deny", active_loop="severance_form", slots={"requested_slot": "monthly_wage"})
    assert events_of_type(run(ValidateSeveranceForm(), dispatcher, tracker), "followup")


def test_request_for_a_human_interrupts_a_calculator(dispatcher):
    tracker = make_tracker(
        "转人工", "request_human", active_loop="severance_form", slots={"requested_slot": "monthly_wage"}
    )
    assert run(ValidateSeveranceForm(), dispatcher, tracker) == []


def test_arbitration_asks_the_end_of_employment_only_for_wage_claims(dispatcher):
    tracker = make_tracker(
        "是", "affirm", active_loop="arbitration_form", slots={"requested_slot": "arbitration_wage_claim"}
    )
    assert slots_set(run(ValidateArbitrationForm(), dispatcher, tracker))["requested_slot"] == "employment_end"
    tracker = make_tracker(
        "不是", "deny", active_loop="arbitration_form", slots={"requested_slot": "arbitration_wage_claim"}
    )
    assert slots_set(run(ValidateArbitrationForm(), dispatcher, tracker))["requested_slot"] == "knew_on"


def test_handoff_skips_what_is_known_and_asks_for_consent_before_a_phone(dispatcher):
    tracker = make_tracker(
        "转人工，我在海淀，电话13912345678", "request_human", slots={"last_question": "老板拖欠了三个月工资怎么办"}
    )
    events = run(ValidateHandoffForm(), dispatcher, tracker)
    assert slots_set(events) == {
        "handoff_description": "老板拖欠了三个月工资怎么办",
        "district": "海淀区",
        "contact_phone": "13912345678",
        "requested_slot": "phone_consent",
    }


def test_handoff_without_consent_forgets_the_phone(dispatcher):
    tracker = make_tracker(
        "不同意",
        "deny",
        active_loop="handoff_form",
        slots={
            "requested_slot": "phone_consent",
            "handoff_description": "被拖欠工资",
            "district": "海淀区",
            "contact_phone": "13912345678",
        },
    )
    events = run(ValidateHandoffForm(), dispatcher, tracker)
    assert slots_set(events) == {"contact_phone": None, "phone_consent": False, "requested_slot": None}


def test_handoff_with_consent_asks_for_the_phone(dispatcher):
    tracker = make_tracker(
        "同意",
        "affirm",
        active_loop="handoff_form",
        slots={"requested_slot": "phone_consent", "handoff_description": "被拖欠工资", "district": "海淀区"},
    )
    assert slots_set(run(ValidateHandoffForm(), dispatcher, tracker))["requested_slot"] == "contact_phone"
    tracker = make_tracker(
        "号码是139 1234 5678",
        "inform",
        active_loop="handoff_form",
        slots={"requested_slot": "contact_phone", "phone_consent": True},
    )
    assert slots_set(run(ValidateHandoffForm(), dispatcher, tracker))["contact_phone"] == "13912345678"


def test_a_long_request_is_its_own_description(dispatcher):
    tracker = make_tracker("我要找律师，公司不给我交社保还扣押我的身份证", "request_human")
    events = run(ValidateHandoffForm(), dispatcher, tracker)
    assert slots_set(events)["handoff_description"] == "我要找律师，公司不给我交社保还扣押我的身份证"
    assert slots_set(events)["requested_slot"] == "district"


def test_a_request_that_describes_the_problem_gets_the_apps_answer_before_the_next_question(dispatcher):
    text = "老板拖欠我三个月工资一直不给 望律师帮忙看看怎么要回来"
    citations = [{"law": "劳动合同法", "article": 30, "text": "……"}]
    answer = {"kind": "handoff", "text": "可以向劳动监察投诉……您要找工会律师，接下来为您转接。", "citations": citations}
    tracker = make_tracker(text, "request_human", metadata={"decision": answer})
    events = run(ValidateHandoffForm(), dispatcher, tracker)
    assert dispatcher.messages[0]["text"] == answer["text"]
    assert dispatcher.messages[0]["custom"] == {"citations": citations}
    assert slots_set(events)["handoff_description"] == text and slots_set(events)["requested_slot"] == "district"
    # later answers in the form are not preceded by it again
    dispatcher.messages.clear()
    slots = {"requested_slot": "district"}
    tracker = make_tracker("朝阳区", "inform", active_loop="handoff_form", slots=slots, metadata={"decision": answer})
    run(ValidateHandoffForm(), dispatcher, tracker)
    assert all(m.get("text") != answer["text"] for m in dispatcher.messages)


def test_a_request_without_an_answer_says_nothing_before_the_forms_question(dispatcher):
    decision = {"kind": "handoff", "text": "请简单说说您遇到的问题：在哪里工作、发生了什么。", "citations": []}
    run(ValidateHandoffForm(), dispatcher, make_tracker("转人工", "request_human", metadata={"decision": decision}))
    assert texts_of(dispatcher) == []


def test_feedback_score_from_words_and_numbers(dispatcher):
    tracker = make_tracker("有帮助", "affirm")
    assert slots_set(run(ValidateFeedbackForm(), dispatcher, tracker)) == {
        "answer_helpful": True,
        "requested_slot": "feedback_score",
    }
    for text, score in (("5", 5), ("四分", 4), ("很满意", 5), ("一般", 3)):
        tracker = make_tracker(text, "inform", active_loop="feedback_form", slots={"requested_slot": "feedback_score"})
        assert slots_set(run(ValidateFeedbackForm(), dispatcher, tracker))["feedback_score"] == score
    tracker = make_tracker("9", "inform", active_loop="feedback_form", slots={"requested_slot": "feedback_score"})
    assert slots_set(run(ValidateFeedbackForm(), dispatcher, tracker))["feedback_score"] is None


def test_dont_know_is_not_taken_for_no(dispatcher):
    tracker = make_tracker(
        "不知道", "deny", active_loop="overtime_form", slots={"requested_slot": "workday_hours", "monthly_wage": "8000"}
    )
    events = run(ValidateOvertimeForm(), dispatcher, tracker)
    assert slots_set(events) == {"workday_hours": None, "requested_slot": "workday_hours"}
    tracker = make_tracker(
        "没有", "deny", active_loop="overtime_form", slots={"requested_slot": "workday_hours", "monthly_wage": "8000"}
    )
    assert slots_set(run(ValidateOvertimeForm(), dispatcher, tracker))["workday_hours"] == "0"


def test_dont_know_does_not_leave_the_form(dispatcher):
    tracker = make_tracker("不知道", "deny", active_loop="severance_form", slots={"requested_slot": "monthly_wage"})
    events = run(ValidateSeveranceForm(), dispatcher, tracker)
    assert slots_set(events) == {"monthly_wage": None, "requested_slot": "monthly_wage"}


def test_a_button_payload_is_not_a_description(dispatcher):
    events = run(ValidateHandoffForm(), dispatcher, make_tracker("/request_human", "request_human"))
    assert slots_set(events) == {"requested_slot": "handoff_description"}


def test_feedback_remembers_whether_the_answer_helped(dispatcher):
    tracker = make_tracker("没帮助", "deny")
    assert slots_set(run(ValidateFeedbackForm(), dispatcher, tracker)) == {
        "answer_helpful": False,
        "requested_slot": "feedback_score",
    }
