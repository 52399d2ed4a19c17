"""action_calculate: run the calculator whose form just completed and show inputs, formula, amount,
citations and the local figures used, then offer a lawyer to check the result."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.feedback import human_buttons
from actions.forms.calculator_forms import CALCULATOR_SLOTS, label
from knowledge_base.calculators import (
    CalculationResult,
    ServicePeriod,
    annual_leave,
    arbitration_deadline,
    double_wage,
    local_figure,
    overtime,
    severance,
)
from knowledge_base.calculators.common import chinese_date, yuan
from nlu.zh_parse import parse_number
from phrasebook import say


def _period(value: list[int]) -> ServicePeriod:
    return ServicePeriod(*value)


def _day(value: str | None) -> date | None:
    return date.fromisoformat(value) if value and value[0].isdigit() else None


def _severance(s: dict[str, Any], today: date) -> tuple[CalculationResult, str, list[str]]:
    city = s["city"]
    result = severance(
        s["monthly_wage"],
        _period(s["tenure"]),
        unlawful=s["unlawful_dismissal"] == "yes",
        average_wage=local_figure(city, "average_monthly_wage", today),
        minimum_wage=local_figure(city, "minimum_monthly_wage", today),
    )
    kind = say("results.illegal_dismissal" if result.multiplier == 2 else "results.severance")
    extra = [say("results.unsure_unlawful")] if s["unlawful_dismissal"] == "unsure" else []
    return result, f"{kind}：{yuan(result.amount)}", extra


def _overtime(s: dict[str, Any], today: date) -> tuple[CalculationResult, str, list[str]]:
    result = overtime(
        s["overtime_wage"],
        workday_hours=s["workday_hours"],
        rest_day_hours=s["rest_day_hours"],
        holiday_hours=s["holiday_hours"],
    )
    return result, say("results.overtime", amount=yuan(result.amount)), []


def _double_wage(s: dict[str, Any], today: date) -> tuple[CalculationResult, str, list[str]]:
    result = double_wage(
        s["monthly_wage"],
        employment_start=_day(s["employment_start"]),
        last_day=_day(s["employment_end"]) or today,
        signed_on=_day(s["contract_signed_on"]),
    )
    return result, say("results.double_wage", amount=yuan(result.amount)), []


def _annual_leave(s: dict[str, Any], today: date) -> tuple[CalculationResult, str, list[str]]:
    joined, left = _day(s["leave_dates"].get("joined_on")), _day(s["leave_dates"].get("left_on"))
    year = (left or joined or today).year
    result = annual_leave(
        cumulative_service=_period(s["cumulative_years"]),
        year=year,
        days_taken=s["leave_days_taken"],
        monthly_wage=s["monthly_wage"],
        joined_on=joined,
        left_on=left,
    )
    return (
        result,
        say(
            "results.annual_leave",
            year=year,
            entitled=result.entitled_days,
            untaken=result.untaken_days,
            amount=yuan(result.amount),
        ),
        [],
    )


def _arbitration(s: dict[str, Any], today: date) -> tuple[CalculationResult, str, list[str]]:
    wage_claim = bool(s["arbitration_wage_claim"])
    result = arbitration_deadline(
        today=today,
        knew_on=_day(s.get("knew_on")),
        wage_arrears_while_employed=wage_claim,
        employment_ended_on=_day(s.get("employment_end")) if wage_claim else None,
    )
    if result.deadline is None:
        headline = say("results.arbitration_employed")
    elif result.expired:
        headline = say(
            "results.arbitration_expired", deadline=chinese_date(result.deadline), days=-result.days_remaining
        )
    else:
        headline = say("results.arbitration_open", deadline=chinese_date(result.deadline), days=result.days_remaining)
    return result, headline, []


COMPUTE = {
    "severance": _severance,
    "overtime": _overtime,
    "double_wage": _double_wage,
    "annual_leave": _annual_leave,
    "arbitration": _arbitration,
}


def format_result(name: str, headline: str, result: CalculationResult, extra_notes: list[str]) -> str:
    """The result a worker reads: the amount first, then what it was computed from and how."""
    lines = [say("results.title", label=name), headline, "", say("results.inputs")]
    lines += [f"· {key}：{value}" for key, value in result.inputs.items()]
    lines += ["", say("results.formula", formula=result.formula)]
    if result.cap_note:
        lines.append(say("results.cap", note=result.cap_note))
    if result.figures_used:
        lines += ["", say("results.figures")] + [f"· {figure}" for figure in result.figures_used]
    notes = [*extra_notes, *result.notes]
    if notes:
        lines += ["", say("results.notes")] + [f"· {note}" for note in notes]
    return "\n".join(lines)


def contract_citations(citations: list[dict[str, str]]) -> list[dict[str, Any]]:
    """Calculator citations in the shape of every other answer (CONTRACT.md §3): short title and
    integer article; a cited section that is not a numbered article stays in the text only."""
    shaped = []
    for citation in citations:
        match = re.fullmatch(r"第(.+)条", citation["article"])
        number = parse_number(match.group(1)) if match else None
        if number is not None:
            shaped.append({"law": citation["law"].removeprefix("中华人民共和国"), "article": int(number), "text": ""})
    return shaped


class ActionCalculate(Action):
    def name(self) -> str:
        return "action_calculate"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        calculator = tracker.get_slot("calculator")
        result, headline, notes = COMPUTE[calculator](tracker.slots, date.today())
        dispatcher.utter_message(
            text=format_result(label(calculator), headline, result, notes),
            json_message={"citations": contract_citations(result.citations)},
        )
        dispatcher.utter_message(text=say("dialogue.offer_human_check"), buttons=human_buttons())
        return [
            *(SlotSet(slot, None) for slot in CALCULATOR_SLOTS),
            SlotSet("calculator", None),
            SlotSet("expecting", "human_offer"),
        ]
