"""action_calculate: run the calculator whose form just completed and show inputs, formula, amount,
citations and the local figures used, then offer a lawyer to check the result."""
from __future__ import annotations

import re
from datetime import date
from typing import Any, Dict, List, Optional, Text, Tuple

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import texts
from knowledge_base.calculators import (
    CalculationResult, ServicePeriod, annual_leave, arbitration_deadline, double_wage, local_figure, overtime,
    severance,
)
from knowledge_base.calculators.common import yuan
from actions.forms.calculator_forms import CALCULATOR_SLOTS, CALCULATORS
from nlu.zh_parse import parse_number

UNSURE_NOTE = "您不确定单位是否违法解除，这里先按经济补偿（N）计算；如果被认定为违法解除，赔偿金为二倍（2N）。"


def _period(value: List[int]) -> ServicePeriod:
    return ServicePeriod(*value)


def _day(value: Optional[str]) -> Optional[date]:
    return date.fromisoformat(value) if value and value[0].isdigit() else None


def _severance(s: Dict[str, Any], today: date) -> Tuple[CalculationResult, str, List[str]]:
    city = s["city"]
    result = severance(
        s["monthly_wage"], _period(s["tenure"]), unlawful=s["unlawful_dismissal"] == "yes",
        average_wage=local_figure(city, "average_monthly_wage", today),
        minimum_wage=local_figure(city, "minimum_monthly_wage", today),
    )
    label = "违法解除赔偿金（2N）" if result.multiplier == 2 else "经济补偿（N）"
    extra = [UNSURE_NOTE] if s["unlawful_dismissal"] == "unsure" else []
    return result, f"{label}：{yuan(result.amount)}", extra


def _overtime(s: Dict[str, Any], today: date) -> Tuple[CalculationResult, str, List[str]]:
    result = overtime(s["monthly_wage"], workday_hours=s["workday_hours"], rest_day_hours=s["rest_day_hours"],
                      holiday_hours=s["holiday_hours"])
    return result, f"加班费：{yuan(result.amount)}", []


def _double_wage(s: Dict[str, Any], today: date) -> Tuple[CalculationResult, str, List[str]]:
    result = double_wage(s["monthly_wage"], employment_start=_day(s["employment_start"]),
                         last_day=_day(s["employment_end"]) or today, signed_on=_day(s["contract_signed_on"]))
    return result, f"未签书面合同的二倍工资差额：{yuan(result.amount)}", []


def _annual_leave(s: Dict[str, Any], today: date) -> Tuple[CalculationResult, str, List[str]]:
    joined, left = _day(s["leave_dates"].get("joined_on")), _day(s["leave_dates"].get("left_on"))
    year = (left or joined or today).year
    result = annual_leave(cumulative_service=_period(s["cumulative_years"]), year=year,
                          days_taken=s["leave_days_taken"], monthly_wage=s["monthly_wage"],
                          joined_on=joined, left_on=left)
    return result, (f"{year}年应休{result.entitled_days}天，未休{result.untaken_days}天，"
                    f"未休年休假工资还应另付：{yuan(result.amount)}"), []


def _arbitration(s: Dict[str, Any], today: date) -> Tuple[CalculationResult, str, List[str]]:
    wage_claim = bool(s["arbitration_wage_claim"])
    result = arbitration_deadline(today=today, knew_on=_day(s.get("knew_on")), wage_arrears_while_employed=wage_claim,
                                  employment_ended_on=_day(s.get("employment_end")) if wage_claim else None)
    if result.deadline is None:
        headline = "仍在职期间追讨欠薪，目前不受一年时效限制；离职后一年内要申请仲裁。"
    elif result.expired:
        headline = f"申请仲裁的最后一日是{result.deadline.isoformat()}，已超过{-result.days_remaining}天。"
    else:
        headline = f"申请仲裁的最后一日是{result.deadline.isoformat()}，还剩{result.days_remaining}天。"
    return result, headline, []


COMPUTE = {"severance": _severance, "overtime": _overtime, "double_wage": _double_wage,
           "annual_leave": _annual_leave, "arbitration": _arbitration}


def format_result(label: str, headline: str, result: CalculationResult, extra_notes: List[str]) -> str:
    lines = [f"【{label}计算结果】", headline, "", "您提供的信息："]
    lines += [f"· {name}：{value}" for name, value in result.inputs.items()]
    lines += ["", f"计算方法：{result.formula}"]
    if result.cap_note:
        lines.append(f"封顶/保底：{result.cap_note}")
    if result.figures_used:
        lines += ["", "使用的地方标准："] + [f"· {figure}" for figure in result.figures_used]
    notes = [*extra_notes, *result.notes]
    if notes:
        lines += ["", "注意："] + [f"· {note}" for note in notes]
    lines += ["", "依据：" + "；".join(f"{c['law']}{c['article']}" for c in result.citations)]
    return "\n".join(lines)


def contract_citations(citations: List[Dict[str, str]]) -> List[Dict[str, Any]]:
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
    def name(self) -> Text:
        return "action_calculate"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> List[EventType]:
        calculator = CALCULATORS[tracker.get_slot("calculator")]
        result, headline, notes = COMPUTE[calculator.key](tracker.slots, date.today())
        dispatcher.utter_message(text=format_result(calculator.label, headline, result, notes),
                                 json_message={"citations": contract_citations(result.citations)})
        dispatcher.utter_message(text=texts.OFFER_HUMAN_CHECK, buttons=texts.HUMAN_BUTTONS)
        return [*(SlotSet(slot, None) for slot in CALCULATOR_SLOTS), SlotSet("calculator", None),
                SlotSet("expecting", "human_offer")]

