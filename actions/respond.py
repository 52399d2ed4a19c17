"""action_respond: say what the app decided for this message, and remember what the bot now expects."""

from __future__ import annotations

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import REQUESTED_SLOT
from rasa_sdk.types import DomainDict

from actions.app_events import decision


class ActionRespond(Action):
    def name(self) -> str:
        return "action_respond"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        said = decision(tracker)
        if said.get("text"):
            extra = {"citations": said["citations"]} if said.get("citations") else None
            dispatcher.utter_message(text=said["text"], buttons=said.get("buttons") or [], json_message=extra)
        events: list[EventType] = [SlotSet("expecting", said.get("expecting"))]
        if said.get("intent"):
            events += [
                SlotSet("last_intent", said["intent"]),
                SlotSet("last_question", tracker.latest_message.get("text")),
            ]
        if tracker.active_loop.get("name"):  # the app's reply took the place of the form's question
            events += [ActiveLoop(None), SlotSet(REQUESTED_SLOT, None)]
        return events
