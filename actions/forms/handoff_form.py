"""Handoff form: what happened, where, and a contact phone only with the worker's explicit consent."""

from __future__ import annotations

import re
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.app_events import decision
from actions.forms import answers
from actions.forms.answers import Answer
from actions.forms.base import TableFormValidation, latest_answer
from actions.forms.places import find_district

# "转人工", "我要找律师" say nothing about the problem; what is left after removing them might.
_NOT_A_DESCRIPTION = re.compile(
    r"转人工|人工客服|人工|真人|找律师|律师|我要|我想|帮我|请|麻烦|转给|工会的?工作人员|电话|手机|号码|我在|[0-9，。,.!！?？\s-]"
)
MIN_DESCRIPTION_CHARS = 8


class ValidateHandoffForm(TableFormValidation):
    interrupting_intents = frozenset({"app_reply"})  # asking for a human again just gets the question again

    def name(self) -> str:
        return "validate_handoff_form"

    @property
    def form_slots(self) -> list[str]:
        return ["handoff_description", "district", "phone_consent", "contact_phone"]

    def slots_to_fill(self, slots: dict[str, Any]) -> list[str]:
        needed = ["handoff_description", "district", "phone_consent"]
        return needed + ["contact_phone"] if slots.get("phone_consent") else needed

    def prefill(self, tracker: Tracker) -> dict[str, Any]:
        request = latest_answer(tracker).text
        if request.startswith("/"):  # a button payload ("/request_human") says nothing about the problem
            request = ""
        question = tracker.get_slot("last_question") or ""
        found: dict[str, Any] = {}
        district = find_district(request) or find_district(question)
        own_words = _NOT_A_DESCRIPTION.sub("", request)
        if district:
            own_words = own_words.replace(district, "").replace(district.rstrip("区"), "")
        if len(own_words) >= MIN_DESCRIPTION_CHARS:
            found["handoff_description"] = request.strip()
        elif question:
            found["handoff_description"] = question
        if district and not tracker.get_slot("district"):
            found["district"] = district
        phone = answers.phone(Answer(request, None))
        if phone:
            found["contact_phone"] = phone  # kept only if the worker consents
        return found

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        answered = decision(tracker)
        # the request for a lawyer described a problem the app answered: that answer comes first
        if self.starting(tracker) and answered.get("citations"):
            dispatcher.utter_message(text=answered["text"], json_message={"citations": answered["citations"]})
        events = await super().run(dispatcher, tracker, domain)
        if tracker.slots.get("phone_consent") is False:
            events.insert(0, SlotSet("contact_phone", None))
        return events


class ValidateCallbackForm(TableFormValidation):
    """The one question after a crisis reply's "留下电话": the number (masked here; the app keeps it)."""

    interrupting_intents = frozenset({"app_reply"})

    def name(self) -> str:
        return "validate_callback_form"

    @property
    def form_slots(self) -> list[str]:
        return ["contact_phone"]
