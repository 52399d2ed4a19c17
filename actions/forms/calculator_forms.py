"""The five calculator forms: which slots each asks, and what it takes from facts the worker already gave.

A form starts from a button (/inform{"calculator": "severance"}) or a typed request the app recognised.
Facts the app read in the conversation (metadata "facts": monthly wage, service, city) are not asked again.
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.app_events import known_facts
from actions.forms import answers
from actions.forms.answers import Answer
from actions.forms.base import TableFormValidation
from actions.forms.places import find_city
from knowledge_base.calculators import ServicePeriod
from phrasebook import say

CALCULATORS = ("severance", "overtime", "double_wage", "annual_leave", "arbitration")


def label(calculator: str) -> str:
    return say(f"calculators.{calculator}")


def _service(value: Any) -> list[int] | None:
    """The app's service fact ("3年6个月") as the form's [years, months, days]."""
    return answers.service_period(Answer(str(value), None)) if value else None


class CalculatorValidation(TableFormValidation, ABC):
    @property
    @abstractmethod
    def calculator(self) -> str: ...

    @property
    @abstractmethod
    def slots(self) -> tuple[str, ...]: ...

    def name(self) -> str:
        return f"validate_{self.calculator}_form"

    @property
    def form_slots(self) -> list[str]:
        return list(self.slots)

    def prefill(self, tracker: Tracker) -> dict[str, Any]:
        facts = known_facts(tracker)
        found: dict[str, Any] = {}
        wage = facts.get("monthly_wage")
        for slot in ("monthly_wage", "overtime_wage"):
            if slot in self.slots and wage:
                found[slot] = answers.monthly_wage(Answer(str(wage), None))
        city = facts.get("city") or find_city(tracker.get_slot("last_question") or "")
        if "city" in self.slots and city:
            found["city"] = city
        return {slot: value for slot, value in found.items() if value is not None}

    def announce_prefill(self, values: dict[str, Any], dispatcher: CollectingDispatcher) -> None:
        dispatcher.utter_message(text=say("dialogue.calculator_start", label=label(self.calculator)))
        shown = {
            "tenure": lambda v: "工作年限" + ServicePeriod(*v).describe(),
            "monthly_wage": lambda v: f"月工资{v}元",
            "overtime_wage": lambda v: f"月工资{v}元",
            "city": lambda v: f"工作城市{v}",
        }
        facts = "，".join(shown[slot](values[slot]) for slot in self.slots if slot in values and slot in shown)
        if facts:
            dispatcher.utter_message(text=say("dialogue.prefilled", facts=facts))

    def reset_events(self) -> list[EventType]:
        return [*super().reset_events(), SlotSet("calculator", None)]


class ValidateSeveranceForm(CalculatorValidation):
    calculator = "severance"
    slots = ("tenure", "monthly_wage", "city", "unlawful_dismissal")

    def prefill(self, tracker: Tracker) -> dict[str, Any]:
        found = super().prefill(tracker)
        tenure = _service(known_facts(tracker).get("service"))
        return {**found, "tenure": tenure} if tenure else found


# Which overtime slot an answer names, whatever was asked: "周末加了2天" answers the rest-day question
# even when the weekday one was asked (then the weekday question is asked again).
_DAY_KIND = (
    ("holiday_hours", re.compile(r"节假日|法定假|春节|过年|国庆|五一|劳动节|元旦|清明|端午|中秋|三倍")),
    ("rest_day_hours", re.compile(r"周末|周六|周日|星期六|星期天|星期日|礼拜六|礼拜天|休息日|双休|公休|两倍|双倍")),
    ("workday_hours", re.compile(r"工作日|平时|下班后|晚上|周一|周二|周三|周四|周五|每天")),
)
_PARTS = re.compile(r"[，,；;。、\s]+|另外|还有")


class ValidateOvertimeForm(CalculatorValidation):
    calculator = "overtime"
    slots = ("overtime_wage", "workday_hours", "rest_day_hours", "holiday_hours")

    def answer_events(self, requested: str, answer: Answer, tracker: Tracker) -> list[EventType]:
        if requested not in ("workday_hours", "rest_day_hours", "holiday_hours"):
            return super().answer_events(requested, answer, tracker)
        found: dict[str, str] = {}
        for part in (p for p in _PARTS.split(answer.text) if p):
            kind = next((slot for slot, cue in _DAY_KIND if cue.search(part)), requested)
            hours = answers.hours(Answer(part, answer.intent))
            if hours is not None and kind not in found:
                found[kind] = hours
        if not found:
            return super().answer_events(requested, answer, tracker)
        return [SlotSet(slot, value) for slot, value in found.items()]


class ValidateDoubleWageForm(CalculatorValidation):
    calculator = "double_wage"
    slots = ("monthly_wage", "employment_start", "contract_signed_on", "employment_end")


class ValidateAnnualLeaveForm(CalculatorValidation):
    calculator = "annual_leave"
    slots = ("cumulative_years", "leave_days_taken", "monthly_wage", "leave_dates")


class ValidateArbitrationForm(CalculatorValidation):
    calculator = "arbitration"
    slots = ("arbitration_wage_claim", "employment_end", "knew_on")

    def slots_to_fill(self, slots: dict[str, Any]) -> list[str]:
        if slots.get("arbitration_wage_claim") is None:
            return list(self.slots)
        return ["arbitration_wage_claim", "employment_end" if slots["arbitration_wage_claim"] else "knew_on"]


CALCULATOR_SLOTS = sorted(
    {
        slot
        for form in (
            ValidateSeveranceForm,
            ValidateOvertimeForm,
            ValidateDoubleWageForm,
            ValidateAnnualLeaveForm,
            ValidateArbitrationForm,
        )
        for slot in form.slots
    }
)
