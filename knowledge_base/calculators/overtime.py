"""加班费: 劳动法 第四十四条; hourly wage = monthly wage ÷ monthly pay days ÷ 8."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from .common import (
    LABOR_LAW,
    PAY_DAYS_NOTICE,
    Amount,
    CalculationResult,
    cite,
    number,
    round_money,
    to_decimal,
    yuan,
)
from .figures import Figure, monthly_pay_days

HOURS_PER_DAY = 8
RATES = {"工作日延长工作时间": Decimal("1.5"), "休息日工作且未补休": Decimal("2"), "法定休假日工作": Decimal("3")}


@dataclass(frozen=True, kw_only=True)
class OvertimeResult(CalculationResult):
    hourly_wage: Decimal  # rounded for display; the amount uses the exact value
    breakdown: dict[str, Decimal]
    amount: Decimal


def overtime(
    monthly_wage: Amount,
    *,
    workday_hours: Amount = 0,
    rest_day_hours: Amount = 0,
    holiday_hours: Amount = 0,
    pay_days: Figure | None = None,
) -> OvertimeResult:
    """Overtime pay owed: 150 % on working days, 200 % on rest days without time off, 300 % on holidays."""
    wage = to_decimal(monthly_wage)
    pay_days = pay_days or monthly_pay_days()
    hourly = wage / pay_days.value / HOURS_PER_DAY
    hours = dict(zip(RATES, (to_decimal(workday_hours), to_decimal(rest_day_hours), to_decimal(holiday_hours))))
    breakdown = {label: round_money(hourly * RATES[label] * h) for label, h in hours.items() if h}
    amount = round_money(sum((hourly * RATES[label] * h for label, h in hours.items()), Decimal(0)))
    terms = "＋".join(f"{number(h)}小时×{number(RATES[label] * 100)}%" for label, h in hours.items() if h) or "0"
    formula = (
        f"小时工资＝月工资÷{number(pay_days.value)}天÷{HOURS_PER_DAY}小时＝{yuan(wage)}÷{number(pay_days.value)}"
        f"÷{HOURS_PER_DAY}≈{yuan(hourly)}；加班费＝小时工资×（{terms}）＝{yuan(amount)}"
    )
    inputs = {"月工资（正常工作时间工资）": yuan(wage)}
    inputs.update({f"{label}时长": f"{number(h)}小时" for label, h in hours.items()})
    return OvertimeResult(
        inputs=inputs,
        formula=formula,
        citations=[cite(LABOR_LAW, "第四十四条"), cite(PAY_DAYS_NOTICE, "二、日工资、小时工资的折算")],
        notes=[
            "法定休假日安排工作的，即使另行补休，也应支付不低于300%的工资报酬；休息日加班已安排补休的，不再支付200%。"
        ],
        figures_used=[pay_days.describe()],
        hourly_wage=round_money(hourly),
        breakdown=breakdown,
        amount=amount,
    )
