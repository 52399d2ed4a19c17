"""Table-driven form validation: read the answer to the requested slot, re-ask with an example, let the
worker leave at any time, and fill slots from facts the worker already gave.
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import REQUESTED_SLOT, FormValidationAction
from rasa_sdk.types import DomainDict

from actions.forms.answers import Answer, said_no
from actions.forms.questions import QUESTIONS, Question
from phrasebook import say

# Said on its own, or anywhere in a short message, these leave the form.
_LEAVE = re.compile(r"退出|不算了|不想算了|先不算|不用算了|取消|结束计算|不填了|不转了|不找律师了")
_LEAVE_ALONE = re.compile(r"^(算了|不用了|结束|停|停止|不要了|quit|exit)[吧啦了。！!.~ ]*$", re.IGNORECASE)
SHORT_MESSAGE = 12


def wants_to_leave(answer: Answer, question: Question | None) -> bool:
    text = answer.clean
    if _LEAVE_ALONE.match(text) or (len(text) <= SHORT_MESSAGE and _LEAVE.search(text)):
        return True
    return question is not None and not question.deny_answers and said_no(answer)


def latest_answer(tracker: Tracker) -> Answer:
    message = tracker.latest_message or {}
    return Answer(message.get("text") or "", (message.get("intent") or {}).get("name"))


class TableFormValidation(FormValidationAction, ABC):
    """Validation for a form whose slots are all described in questions.QUESTIONS."""

    # Intents that interrupt the form instead of answering it; rules take over (a request for a person,
    # or something the app says whatever the form was asking: a crisis reply, a tapped answer option).
    interrupting_intents: frozenset = frozenset({"request_human", "app_reply"})

    @abstractmethod
    def name(self) -> str: ...

    def slots_to_fill(self, slots: dict[str, Any]) -> list[str]:
        """The slots still relevant given the answers so far (default: all slots of the form)."""
        return list(self.form_slots)

    @property
    @abstractmethod
    def form_slots(self) -> list[str]: ...

    def prefill(self, tracker: Tracker) -> dict[str, Any]:
        """Slot values taken from what the worker said before the form started."""
        return {}

    def announce_prefill(self, values: dict[str, Any], dispatcher: CollectingDispatcher) -> None:
        """Tell the worker which facts were taken from earlier messages (default: silently)."""

    def reset_events(self) -> list[EventType]:
        return [SlotSet(slot, None) for slot in self.form_slots]

    def answer_events(self, requested: str, answer: Answer, tracker: Tracker) -> list[EventType]:
        """The slots the answer to ``requested`` fills (none: it is asked again)."""
        value = QUESTIONS[requested].parse(answer)
        return [] if value is None else [SlotSet(requested, value)]

    def starting(self, tracker: Tracker) -> bool:
        """Whether this run starts the form (Rasa may already show it active, with no slot requested yet)."""
        active = (tracker.active_loop or {}).get("name")
        return active != self.form_name() or tracker.get_slot(REQUESTED_SLOT) not in self.form_slots

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        requested = tracker.get_slot(REQUESTED_SLOT)
        answer = latest_answer(tracker)
        if self.starting(tracker):
            known = self.prefill(tracker)
            self.announce_prefill(known, dispatcher)
            events = [SlotSet(slot, value) for slot, value in known.items()]
        elif wants_to_leave(answer, QUESTIONS[requested]):
            dispatcher.utter_message(text=say("dialogue.leave_form"))
            return [
                *self.reset_events(),
                SlotSet("expecting", None),
                SlotSet(REQUESTED_SLOT, None),
                ActiveLoop(None),
                FollowupAction("action_listen"),
            ]
        elif answer.intent in self.interrupting_intents:
            return []  # nothing extracted: Rasa rejects the form and the rules handle the intent
        else:
            question = QUESTIONS[requested]
            events = self.answer_events(requested, answer, tracker)
            if not events:  # ask the same question again, with an example
                dispatcher.utter_message(text=say("dialogue.reask", example=question.example))
                return [SlotSet(requested, None), SlotSet(REQUESTED_SLOT, requested)]
        tracker.add_slots(events)
        missing = (slot for slot in self.slots_to_fill(tracker.slots) if tracker.slots.get(slot) is None)
        return [*events, SlotSet(REQUESTED_SLOT, next(missing, None))]


class AskQuestion(Action, ABC):
    """`action_ask_<slot>`: asks the question of questions.QUESTIONS with its buttons."""

    @property
    @abstractmethod
    def question(self) -> Question: ...

    def name(self) -> str:
        return f"action_ask_{self.question.slot}"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        dispatcher.utter_message(text=self.question.text, buttons=self.question.button_dicts())
        return []


ASK_ACTIONS = [type(f"Ask_{slot}", (AskQuestion,), {"question": question}) for slot, question in QUESTIONS.items()]
