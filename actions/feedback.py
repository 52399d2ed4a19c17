"""Report the worker's 1–5 score of an answer to the app; after an unhelpful answer, offer a lawyer."""

from __future__ import annotations

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.app_events import emit
from phrasebook import say


def human_buttons() -> list:
    human, no = say("dialogue.human_button"), say("dialogue.no_thanks_button")
    return [{"title": human, "payload": "/affirm"}, {"title": no, "payload": "/deny"}]


class ActionSubmitFeedback(Action):
    def name(self) -> str:
        return "action_submit_feedback"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        emit(
            dispatcher,
            "feedback",
            score=int(tracker.get_slot("feedback_score")),
            about="answer",
            helpful=tracker.get_slot("answer_helpful"),
        )
        dispatcher.utter_message(text=say("dialogue.feedback_thanks"))
        events: list[EventType] = [SlotSet("feedback_score", None), SlotSet("answer_helpful", None)]
        if tracker.get_slot("answer_helpful") is False:
            dispatcher.utter_message(text=say("dialogue.offer_human_after_feedback"), buttons=human_buttons())
            return events + [SlotSet("expecting", "human_offer")]
        return events + [SlotSet("expecting", None)]
