"""未签书面劳动合同的二倍工资: 劳动合同法 第八十二条, 实施条例 第六条、第七条."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from .common import (
    LABOR_CONTRACT_LAW,
    LABOR_CONTRACT_REGULATION,
    Amount,
    CalculationResult,
    ServicePeriod,
    add_months,
    cite,
    number,
    round_money,
    to_decimal,
    yuan,
)

MAX_MONTHS = Decimal(11)
DAYS_PER_MONTH = 30  # a partial month is pro-rated by calendar days over 30


@dataclass(frozen=True, kw_only=True)
class DoubleWageResult(CalculationResult):
    period_start: date | None  # first day the extra wage is owed, None when nothing is owed
    period_end: date | None
    months: Decimal  # months owed, partial months as a fraction, at most 11
    amount: Decimal  # the extra one-fold wage still owed


def double_wage(
    monthly_wage: Amount,
    *,
    employment_start: date,
    last_day: date,
    signed_on: date | None = None,
) -> DoubleWageResult:
    """Extra wage owed for months without a written contract.

    Owed from the day after the first full month of employment (the first month is the grace period)
    up to the day before the contract was signed, `last_day` (end of employment or today), or the end
    of the first year, whichever comes first: at most 11 months.
    """
    wage = to_decimal(monthly_wage)
    start = add_months(employment_start, 1)
    year_end = add_months(employment_start, 12) - timedelta(days=1)
    end = min(d for d in (last_day, year_end, signed_on and signed_on - timedelta(days=1)) if d)
    inputs = {
        "月工资": yuan(wage),
        "用工之日": employment_start.isoformat(),
        "书面合同签订日": signed_on.isoformat() if signed_on else "未签",
        "计算截止日": last_day.isoformat(),
    }
    citations = [
        cite(LABOR_CONTRACT_LAW, "第八十二条"),
        cite(LABOR_CONTRACT_REGULATION, "第六条"),
        cite(LABOR_CONTRACT_REGULATION, "第七条"),
    ]
    if end < start:
        return DoubleWageResult(
            inputs=inputs,
            citations=citations,
            period_start=None,
            period_end=None,
            months=Decimal(0),
            amount=round_money(Decimal(0)),
            formula=f"用工之日起一个月内（至{(start - timedelta(days=1)).isoformat()}）为订立书面合同的宽限期，"
            f"不支付二倍工资；应补差额＝0.00元",
        )
    period = ServicePeriod.from_dates(start, end)
    months = min(Decimal(period.total_months) + Decimal(period.days) / DAYS_PER_MONTH, MAX_MONTHS)
    amount = round_money(wage * months)
    cap_note = None
    if end == year_end:
        cap_note = (
            "自用工之日起满一年仍未订立书面劳动合同的，视为自满一年之日起已订立无固定期限劳动合同，"
            "二倍工资最多支付11个月。"
        )
    return DoubleWageResult(
        inputs=inputs,
        citations=citations,
        cap_note=cap_note,
        notes=[
            "已按月领取的一倍工资不重复计算，这里算的是另外一倍的差额；不足一个月的按天数÷30折算，"
            "二倍工资差额的仲裁时效计算方式各地做法不一，建议尽早申请仲裁。"
        ],
        formula=(
            f"未签书面合同期间：{start.isoformat()}至{end.isoformat()}，共{period.describe()}"
            + (f"（折合{number(round_money(months))}个月）" if period.days else "")
            + f"；应补差额＝月工资×月数＝{yuan(wage)}×"
            f"{number(round_money(months))}＝{yuan(amount)}"
        ),
        period_start=start,
        period_end=end,
        months=months,
        amount=amount,
    )
