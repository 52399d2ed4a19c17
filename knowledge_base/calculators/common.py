"""Pieces shared by the calculators: money rounding, service periods, citations and the result base."""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
Amount = Decimal | int | str

LABOR_LAW = "中华人民共和国劳动法"
LABOR_CONTRACT_LAW = "中华人民共和国劳动合同法"
LABOR_CONTRACT_REGULATION = "中华人民共和国劳动合同法实施条例"
ARBITRATION_LAW = "中华人民共和国劳动争议调解仲裁法"
ANNUAL_LEAVE_REGULATION = "职工带薪年休假条例"
ANNUAL_LEAVE_MEASURES = "企业职工带薪年休假实施办法"
PAY_DAYS_NOTICE = "关于职工全年月平均工作时间和工资折算问题的通知"


def cite(law: str, article: str) -> dict[str, str]:
    """A citation as shown to the worker and checked against the statute corpus."""
    return {"law": law, "article": article}


def to_decimal(value: Amount) -> Decimal:
    """Exact Decimal from user-facing input (never via float)."""
    result = Decimal(str(value))
    if result < 0:
        raise ValueError(f"negative amount: {value}")
    return result


def round_money(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def yuan(value: Decimal) -> str:
    return f"{round_money(value)}元"


def chinese_date(day: date) -> str:
    """A date as workers read it: 2025年3月1日."""
    return f"{day.year}年{day.month}月{day.day}日"


def number(value: Decimal) -> str:
    """Decimal without trailing zeros, for formulas ("3.5", "11")."""
    return format(value.normalize(), "f")


def add_months(start: date, months: int) -> date:
    """Same day `months` later; a missing day (Jan 31 + 1 month) becomes the month's last day."""
    year, month0 = divmod(start.year * 12 + start.month - 1 + months, 12)
    return date(year, month0 + 1, min(start.day, calendar.monthrange(year, month0 + 1)[1]))


@dataclass(frozen=True)
class ServicePeriod:
    """Length of service in whole years, remaining months and remaining days."""

    years: int = 0
    months: int = 0
    days: int = 0

    def __post_init__(self) -> None:
        if min(self.years, self.months, self.days) < 0 or self.months >= 12:
            raise ValueError(f"invalid service period {self}")

    @classmethod
    def of(cls, years: int = 0, months: int = 0, days: int = 0) -> ServicePeriod:
        """From spoken components ("5个月29天", "18个月"); 30 days count as a month."""
        months += days // 30
        return cls(years + months // 12, months % 12, days % 30)

    @classmethod
    def from_dates(cls, start: date, last_day: date) -> ServicePeriod:
        """Service from `start` through `last_day`, both days included."""
        end = last_day + timedelta(days=1)
        if end < start:
            raise ValueError("last day before start")
        months = (end.year - start.year) * 12 + end.month - start.month
        while months > 0 and add_months(start, months) > end:
            months -= 1
        return cls(months // 12, months % 12, (end - add_months(start, months)).days)

    @property
    def total_months(self) -> int:
        return self.years * 12 + self.months

    def describe(self) -> str:
        parts = [f"{n}{unit}" for n, unit in ((self.years, "年"), (self.months, "个月"), (self.days, "天")) if n]
        return "".join(parts) or "0天"


@dataclass(frozen=True, kw_only=True)
class CalculationResult:
    """What every calculator returns: inputs and formula to show, citations, caps and caveats."""

    inputs: dict[str, str]
    formula: str
    citations: list[dict[str, str]]
    cap_note: str | None = None  # Chinese explanation of a cap or floor that changed the result
    notes: list[str] = field(default_factory=list)  # Chinese caveats the worker should read
    figures_used: list[str] = field(default_factory=list)  # which local figure and year was applied
