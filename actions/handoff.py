"""The end of the handoff form and of the crisis call-back form: report them to the app, which opens
(or updates) the case and tells the worker its number. Declining an offered person."""

from __future__ import annotations

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.app_events import emit

FORM_SLOTS = ("handoff_description", "district", "phone_consent", "contact_phone")


class ActionOpenCase(Action):
    def name(self) -> str:
        return "action_open_case"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        consent = bool(tracker.get_slot("phone_consent"))
        # The tracker holds masked text only: the app takes the number from the worker's own message.
        emit(
            dispatcher,
            "open_case",
            description=tracker.get_slot("handoff_description") or "",
            district=tracker.get_slot("district") or "",
            phone_consent=consent,
            phone_given=consent and bool(tracker.get_slot("contact_phone")),
            topic=tracker.get_slot("last_intent") or "",
        )
        return [*(SlotSet(slot, None) for slot in FORM_SLOTS), SlotSet("expecting", None)]


class ActionRequestCallback(Action):
    """A worker in a crisis left a number: the app adds it to the urgent case."""

    def name(self) -> str:
        return "action_request_callback"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        emit(dispatcher, "callback", phone_given=bool(tracker.get_slot("contact_phone")))
        return [SlotSet("contact_phone", None), SlotSet("expecting", None)]


class ActionDeclineHuman(Action):
    """The worker said no to an offered lawyer; the rule then asks what else we can do."""

    def name(self) -> str:
        return "action_decline_human"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        return [SlotSet("expecting", None)]
