"""带薪年休假: 职工带薪年休假条例 第三、五条, 企业职工带薪年休假实施办法 第三、五、十、十一、十二条."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_FLOOR, Decimal

from .common import (
    ANNUAL_LEAVE_MEASURES,
    ANNUAL_LEAVE_REGULATION,
    Amount,
    CalculationResult,
    ServicePeriod,
    cite,
    number,
    round_money,
    to_decimal,
    yuan,
)
from .figures import Figure, monthly_pay_days

PRO_RATA_YEAR_DAYS = 365  # the measures divide by 365 even in leap years
EXTRA_PAY_RATE = 2  # untaken days are paid at 300 %, of which 100 % is already in the normal wage


@dataclass(frozen=True, kw_only=True)
class AnnualLeaveResult(CalculationResult):
    full_year_days: int  # 5, 10 or 15 by cumulative years of work
    entitled_days: int  # after pro-rating for the year of joining or leaving
    untaken_days: int
    daily_wage: Decimal | None
    amount: Decimal | None  # the 200 % still owed for untaken days


def full_year_days(cumulative_service: ServicePeriod) -> int:
    """5 days from 1 full year of work, 10 from 10 years, 15 from 20 years."""
    years = cumulative_service.years
    if years >= 20:
        return 15
    if years >= 10:
        return 10
    return 5 if years >= 1 else 0


def annual_leave(
    *,
    cumulative_service: ServicePeriod,
    year: int,
    days_taken: int = 0,
    monthly_wage: Amount | None = None,
    joined_on: date | None = None,
    left_on: date | None = None,
    pay_days: Figure | None = None,
) -> AnnualLeaveResult:
    """Leave days owed in `year` and, with `monthly_wage`, the pay still owed for the untaken days.

    `joined_on`/`left_on` inside `year` pro-rate by calendar days at this employer ÷ 365, rounding down.
    """
    full = full_year_days(cumulative_service)
    first = max(joined_on, date(year, 1, 1)) if joined_on else date(year, 1, 1)
    last = min(left_on, date(year, 12, 31)) if left_on else date(year, 12, 31)
    pro_rata = (joined_on is not None and joined_on.year == year) or (left_on is not None and left_on.year == year)
    citations = [cite(ANNUAL_LEAVE_REGULATION, "第三条"), cite(ANNUAL_LEAVE_MEASURES, "第三条")]
    inputs = {"累计工作年限": cumulative_service.describe(), "年度": f"{year}年", "当年已休天数": f"{days_taken}天"}
    if pro_rata:
        calendar_days = max((last - first).days + 1, 0)
        exact = Decimal(calendar_days) / PRO_RATA_YEAR_DAYS * full
        entitled = min(int(exact.to_integral_value(rounding=ROUND_FLOOR)), full)
        formula = (
            f"当年在本单位{first.isoformat()}至{last.isoformat()}共{calendar_days}天；"
            f"应休天数＝{calendar_days}÷365×{full}≈{number(round_money(exact))}，不足1整天的部分不计，"
            f"为{entitled}天"
        )
        if joined_on is not None and joined_on.year == year:
            citations.append(cite(ANNUAL_LEAVE_MEASURES, "第五条"))
            inputs["入职日期"] = joined_on.isoformat()
        if left_on is not None and left_on.year == year:
            citations.append(cite(ANNUAL_LEAVE_MEASURES, "第十二条"))
            inputs["离职日期"] = left_on.isoformat()
    else:
        entitled = full
        formula = f"累计工作{cumulative_service.describe()}，全年应休{full}天"
    untaken = max(entitled - days_taken, 0)
    formula += f"；未休天数＝{entitled}－{days_taken}＝{untaken}天"

    daily = amount = None
    figures = []
    if monthly_wage is not None:
        wage = to_decimal(monthly_wage)
        pay_days = pay_days or monthly_pay_days(date(year, 12, 31))
        figures.append(pay_days.describe())
        daily = wage / pay_days.value
        amount = round_money(daily * untaken * EXTRA_PAY_RATE)
        inputs["月工资（剔除加班工资）"] = yuan(wage)
        formula += (
            f"；日工资＝{yuan(wage)}÷{number(pay_days.value)}≈{yuan(daily)}；"
            f"未休年休假工资按日工资300%支付，其中100%已含在正常工资中，应另付"
            f"＝日工资×{untaken}天×200%＝{yuan(amount)}"
        )
        citations += [
            cite(ANNUAL_LEAVE_REGULATION, "第五条"),
            cite(ANNUAL_LEAVE_MEASURES, "第十条"),
            cite(ANNUAL_LEAVE_MEASURES, "第十一条"),
        ]
        daily = round_money(daily)
    notes = [
        "累计工作年限包括在不同单位的工作时间；职工当年享受寒暑假天数多于年休假天数、"
        "请事假累计20天以上且单位未扣工资等情形，不享受当年年休假（条例第四条）。"
    ]
    if full == 0:
        notes.insert(0, "累计工作不满一年（连续工作未满12个月）的，尚不享受年休假。")
    return AnnualLeaveResult(
        inputs=inputs,
        formula=formula,
        citations=citations,
        notes=notes,
        figures_used=figures,
        full_year_days=full,
        entitled_days=entitled,
        untaken_days=untaken,
        daily_wage=daily,
        amount=amount,
    )
