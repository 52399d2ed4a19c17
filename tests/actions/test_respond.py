"""action_respond says what the app decided and remembers what the bot now expects."""

from action_fixtures import make_tracker, run, slots_set

from actions.respond import ActionRespond

DECISION = {
    "kind": "card",
    "text": "按伤残等级一次性发放……",
    "intent": "work_injury",
    "expecting": "feedback",
    "citations": [{"law": "工伤保险条例", "article": 35, "text": "第三十五条 ……"}],
    "buttons": [{"title": "有帮助", "payload": "/affirm"}],
}


def test_the_decision_is_said_with_its_citations_and_buttons(dispatcher):
    tracker = make_tracker("公伤评了十级能拿多少", "work_injury", metadata={"decision": DECISION})
    events = run(ActionRespond(), dispatcher, tracker)
    (message,) = dispatcher.messages
    assert message["text"] == DECISION["text"] and message["buttons"] == DECISION["buttons"]
    assert message["custom"] == {"citations": DECISION["citations"]}
    assert slots_set(events) == {
        "expecting": "feedback",
        "last_intent": "work_injury",
        "last_question": "公伤评了十级能拿多少",
    }


def test_a_reply_said_regardless_ends_the_form_it_interrupted(dispatcher):
    crisis = {"kind": "crisis", "text": "您现在的安全最重要。……", "expecting": "callback", "buttons": []}
    tracker = make_tracker(
        "活着没意思",
        "app_reply",
        active_loop="severance_form",
        slots={"requested_slot": "monthly_wage"},
        metadata={"decision": crisis},
    )
    events = run(ActionRespond(), dispatcher, tracker)
    assert {"event": "active_loop", "name": None} in [{k: e.get(k) for k in ("event", "name")} for e in events]
    assert slots_set(events)["expecting"] == "callback" and slots_set(events)["requested_slot"] is None


def test_a_turn_the_app_did_not_decide_says_nothing(dispatcher):
    events = run(ActionRespond(), dispatcher, make_tracker("好的", "affirm"))
    assert dispatcher.messages == [] and slots_set(events) == {"expecting": None}
