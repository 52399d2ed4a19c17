"""The five calculator forms: which slots each asks, how it starts, and what it prefills."""
from __future__ import annotations

import re
from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import Any, Dict, List, Optional, Text, Tuple

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import texts
from knowledge_base.calculators import ServicePeriod

from actions.forms import answers
from actions.forms.answers import Answer
from actions.forms.base import TableFormValidation
from actions.forms.places import find_city


@dataclass(frozen=True)
class Calculator:
    key: str  # value of the `calculator` slot and entity
    label: str  # what the worker reads: "经济补偿"
    keywords: Tuple[str, ...]  # a typed "帮我算算<keyword>" starts this calculator

    @property
    def form(self) -> str:
        return f"{self.key}_form"

    def button(self) -> Dict[str, str]:
        return {"title": f"算一算{self.label}", "payload": f'/inform{{"calculator":"{self.key}"}}'}


CALCULATORS = {c.key: c for c in (
    Calculator("severance", "经济补偿", ("经济补偿", "补偿金", "赔偿金", "N+1", "2N", "补偿", "赔偿")),
    Calculator("overtime", "加班费", ("加班费", "加班工资", "加班")),
    Calculator("double_wage", "二倍工资", ("二倍工资", "双倍工资", "两倍工资", "2倍工资")),
    Calculator("annual_leave", "年休假工资", ("年休假", "年假")),
    Calculator("arbitration", "仲裁时效", ("仲裁时效", "时效", "仲裁期限")),
)}
# Calculators offered under the answer to a topic question.
OFFERED_AFTER = {
    "dismissal": ("severance", "arbitration"),
    "overtime_hours": ("overtime",),
    "labor_contract": ("double_wage",),
    "leave": ("annual_leave",),
    "wage_arrears": ("arbitration",),
    "dispute_procedure": ("arbitration",),
}
_ASKS_TO_CALCULATE = re.compile(r"算一算|算一下|算算|帮我算|计算|怎么算|给我算")


def offered_buttons(intent: str) -> List[Dict[str, str]]:
    return [CALCULATORS[key].button() for key in OFFERED_AFTER.get(intent, ())]


def requested_calculator(text: str) -> Optional[Calculator]:
    """The calculator a worker explicitly asks to run ("帮我算算加班费"), if any."""
    if not _ASKS_TO_CALCULATE.search(text):
        return None
    return next((c for c in CALCULATORS.values() if any(k in text for k in c.keywords)), None)


def _question_text(tracker: Tracker) -> str:
    """What the worker said before the calculator started: facts in it are not asked again."""
    return tracker.get_slot("last_question") or ""


class CalculatorValidation(TableFormValidation, ABC):
    @property
    @abstractmethod
    def calculator(self) -> Calculator: ...

    @property
    @abstractmethod
    def slots(self) -> Tuple[str, ...]: ...

    def name(self) -> Text:
        return f"validate_{self.calculator.form}"

    @property
    def form_slots(self) -> List[str]:
        return list(self.slots)

    def prefill(self, tracker: Tracker) -> Dict[str, Any]:
        text = _question_text(tracker)
        found: Dict[str, Any] = {}
        wage = answers.single(answers.money_mentions(text))
        if "monthly_wage" in self.slots and wage:
            found["monthly_wage"] = answers.monthly_wage(Answer(wage, None))
        if "city" in self.slots and find_city(text):
            found["city"] = find_city(text)
        return {slot: value for slot, value in found.items() if value is not None}

    def announce_prefill(self, values: Dict[str, Any], dispatcher: CollectingDispatcher) -> None:
        shown = {"tenure": lambda v: "工作年限" + ServicePeriod(*v).describe(),
                 "monthly_wage": lambda v: f"月工资{v}元", "city": lambda v: f"工作城市{v}"}
        facts = "，".join(shown[slot](values[slot]) for slot in self.slots if slot in values and slot in shown)
        if facts:
            dispatcher.utter_message(text=texts.PREFILLED.format(facts=facts))

    def reset_events(self) -> List[EventType]:
        return [*super().reset_events(), SlotSet("calculator", None)]


class ValidateSeveranceForm(CalculatorValidation):
    calculator = CALCULATORS["severance"]
    slots = ("tenure", "monthly_wage", "city", "unlawful_dismissal")

    def prefill(self, tracker: Tracker) -> Dict[str, Any]:
        found = super().prefill(tracker)
        duration = answers.single(answers.duration_mentions(_question_text(tracker)))
        tenure = answers.service_period(Answer(_question_text(tracker), None)) if duration else None
        return {**found, "tenure": tenure} if tenure else found


class ValidateOvertimeForm(CalculatorValidation):
    calculator = CALCULATORS["overtime"]
    slots = ("monthly_wage", "workday_hours", "rest_day_hours", "holiday_hours")


class ValidateDoubleWageForm(CalculatorValidation):
    calculator = CALCULATORS["double_wage"]
    slots = ("monthly_wage", "employment_start", "contract_signed_on", "employment_end")


class ValidateAnnualLeaveForm(CalculatorValidation):
    calculator = CALCULATORS["annual_leave"]
    slots = ("cumulative_years", "leave_days_taken", "monthly_wage", "leave_dates")


class ValidateArbitrationForm(CalculatorValidation):
    calculator = CALCULATORS["arbitration"]
    slots = ("arbitration_wage_claim", "employment_end", "knew_on")

    def slots_to_fill(self, slots: Dict[str, Any]) -> List[str]:
        if slots.get("arbitration_wage_claim") is None:
            return list(self.slots)
        return ["arbitration_wage_claim", "employment_end" if slots["arbitration_wage_claim"] else "knew_on"]


CALCULATOR_SLOTS = sorted({slot for form in (ValidateSeveranceForm, ValidateOvertimeForm, ValidateDoubleWageForm,
                                             ValidateAnnualLeaveForm, ValidateArbitrationForm)
                           for slot in form.slots})
