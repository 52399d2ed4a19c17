"""Answer a worker's message through the app (knowledge base + triage) and offer feedback or a human."""
from __future__ import annotations

from typing import Any, Dict, List, Text, Tuple

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import texts
from actions.app_client import AppClient, AppUnavailable
from actions.forms.calculator_forms import offered_buttons, requested_calculator

# Intents whose rule utters a fixed text after this action; the app still screens them for risks
# (a goodbye can carry a suicide note), and only an escalated reply replaces the fixed text.
SCREENED_INTENTS = frozenset({"greet", "goodbye", "thank", "bot_challenge", "out_of_scope", "affirm", "deny",
                              "inform"})
FALLBACK_INTENT = "nlu_fallback"

def routed_intent(message: Dict[str, Any]) -> Tuple[str, float]:
    """The intent sent to the app: for a low-confidence message, the best real intent (as /api/v1/ask does)."""
    intent = message.get("intent") or {}
    if intent.get("name") and intent["name"] != FALLBACK_INTENT:
        return intent["name"], float(intent.get("confidence") or 0.0)
    real = [r for r in message.get("intent_ranking") or [] if r.get("name") != FALLBACK_INTENT]
    best = real[0] if real else {"name": "out_of_scope", "confidence": 0.0}
    return best["name"], float(best.get("confidence") or 0.0)


def message_entities(message: Dict[str, Any]) -> List[Dict[str, Any]]:
    return [{"entity": e["entity"], "value": e.get("value"), "start": e.get("start"), "end": e.get("end")}
            for e in message.get("entities") or []]


def utter_reply(dispatcher: CollectingDispatcher, reply: Dict[str, Any]) -> None:
    citations = reply.get("citations") or []
    dispatcher.utter_message(text=reply.get("answer") or "", json_message={"citations": citations} if citations else None)


class ActionAnswerQuestion(Action):
    def name(self) -> Text:
        return "action_answer_question"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> List[EventType]:
        message = tracker.latest_message or {}
        text = message.get("text") or ""
        original_intent = (message.get("intent") or {}).get("name")
        screened = original_intent in SCREENED_INTENTS
        intent, confidence = routed_intent(message)
        try:
            reply = await AppClient().reply(tracker.sender_id, text, intent, confidence, message_entities(message))
        except AppUnavailable:
            if not screened:
                dispatcher.utter_message(text=texts.APP_DOWN)
            return [SlotSet("not_understood", False), SlotSet("expecting", None)]

        escalated = bool(reply.get("escalate"))
        events: List[EventType] = [SlotSet("not_understood", original_intent == FALLBACK_INTENT and not escalated)]
        if escalated:  # the app opened a case; its answer says so (and starts with 110/120 in a crisis)
            utter_reply(dispatcher, reply)
            # no fixed text or offer of a human may follow the handoff notice
            return events + [SlotSet("case_id", reply.get("case_id")), SlotSet("expecting", None),
                             FollowupAction("action_listen")]
        if screened:
            return events

        calculator = requested_calculator(text)
        if calculator:
            dispatcher.utter_message(text=texts.CALCULATOR_START.format(label=calculator.label))
            return events + [SlotSet("last_question", text), SlotSet("calculator", calculator.key),
                             FollowupAction(calculator.form)]

        utter_reply(dispatcher, reply)
        if not reply.get("citations"):  # a request to rephrase, not an answer to rate
            return events + [SlotSet("expecting", None)]
        dispatcher.utter_message(text=texts.ASK_HELPFUL, buttons=[
            {"title": texts.BUTTON_HELPFUL, "payload": "/affirm"},
            {"title": texts.BUTTON_NOT_HELPFUL, "payload": "/deny"},
            {"title": texts.BUTTON_HUMAN, "payload": "/request_human"},
            *offered_buttons(intent),
        ])
        return events + [SlotSet("last_question", text), SlotSet("last_intent", intent),
                         SlotSet("expecting", "feedback")]

