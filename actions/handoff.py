"""Open a case for the lawyers when the handoff form is complete; decline an offered human."""
from __future__ import annotations

from typing import List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import texts
from actions.app_client import AppClient, AppUnavailable
from nlu.zh_parse import find_entities, mask_pii

PRIVATE_ENTITIES = frozenset({"phone", "id_number"})  # the phone travels only in its own, consented field


class ActionOpenCase(Action):
    def name(self) -> Text:
        return "action_open_case"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> List[EventType]:
        consent = bool(tracker.get_slot("phone_consent"))
        description = tracker.get_slot("handoff_description") or ""
        if not consent:  # a number typed into the description is not stored without consent either
            description = mask_pii(description)
        done = [SlotSet("handoff_description", None), SlotSet("phone_consent", None),
                SlotSet("contact_phone", None), SlotSet("expecting", None)]
        try:
            case = await AppClient().open_case(
                sender_id=tracker.sender_id, description=description, district=tracker.get_slot("district") or "",
                phone=(tracker.get_slot("contact_phone") or "") if consent else "", consent=consent,
                intent=tracker.get_slot("last_intent") or "request_human",
                entities=[e for e in find_entities(description) if e["entity"] not in PRIVATE_ENTITIES],
                reasons=["user_request"], priority="normal",
            )
        except AppUnavailable:
            dispatcher.utter_message(text=texts.CASE_NOT_OPENED)
            return [*done, FollowupAction("action_listen")]  # no "已转给律师" after a failure
        dispatcher.utter_message(text=texts.CASE_OPENED.format(case_id=case.get("case_id")))
        return [*done, SlotSet("case_id", case.get("case_id"))]


class ActionDeclineHuman(Action):
    """The worker said no to an offered lawyer; the rule then asks what else we can do."""

    def name(self) -> Text:
        return "action_decline_human"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> List[EventType]:
        return [SlotSet("expecting", None)]
