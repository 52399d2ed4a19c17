"""Store the worker's 1–5 score (of an answer or a closed case) in the app; after an unhelpful answer,
offer a lawyer."""
from __future__ import annotations

from typing import List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import texts
from actions.app_client import AppClient, AppUnavailable


class ActionSubmitFeedback(Action):
    def name(self) -> Text:
        return "action_submit_feedback"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> List[EventType]:
        about = tracker.get_slot("feedback_about") or "answer"
        try:
            await AppClient().feedback(tracker.sender_id, int(tracker.get_slot("feedback_score")), about=about)
            dispatcher.utter_message(text=texts.FEEDBACK_THANKS)
        except AppUnavailable:
            dispatcher.utter_message(text=texts.FEEDBACK_NOT_SAVED)
        events: List[EventType] = [SlotSet("feedback_score", None), SlotSet("answer_helpful", None),
                                   SlotSet("feedback_about", None)]
        if tracker.get_slot("answer_helpful") is False:
            dispatcher.utter_message(text=texts.OFFER_HUMAN_AFTER_FEEDBACK, buttons=texts.HUMAN_BUTTONS)
            return events + [SlotSet("expecting", "human_offer")]
        return events + [SlotSet("expecting", None)]
