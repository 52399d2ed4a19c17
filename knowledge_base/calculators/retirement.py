"""The statutory retirement age of a birth month under the step-by-step rise that began on 1 January 2025.

The rise moves one month for every four months of birth dates (men: 60 to 63; women whose former age was 55:
55 to 58) or every two months (women whose former age was 50: 50 to 55), starting with the first people who
would have retired in January 2025 under the former age (全国人民代表大会常务委员会《关于实施渐进式延迟法定退休
年龄的决定》 and its annex; the union policy document 退休年龄与社保公积金政策指南 第一条 states it). So a man born
in January–April 1965 retires at 60 and 1 month, one born in September 1976 or later at 63.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from .common import add_months


@dataclass(frozen=True)
class Track:
    """A group of workers whose retirement age rises together."""

    key: str
    former_age: int
    first_delayed: tuple[int, int]  # (year, month) of birth of the first people whose age rises
    birth_months_per_step: int  # how many birth months share one month of delay
    final_delay: int  # months: the rise stops here

    def delay(self, year: int, month: int) -> int:
        """Months added to the former age for people born in that month."""
        born = _month_index(year, month) - _month_index(*self.first_delayed)
        return 0 if born < 0 else min(born // self.birth_months_per_step + 1, self.final_delay)


MEN = Track("men", 60, (1965, 1), 4, 36)
WOMEN_55 = Track("women_55", 55, (1970, 1), 4, 36)
WOMEN_50 = Track("women_50", 50, (1975, 1), 2, 60)
TRACKS = (MEN, WOMEN_55, WOMEN_50)


@dataclass(frozen=True)
class RetirementAge:
    years: int
    months: int
    month_reached: date  # the first day of the month the age is reached

    def describe(self) -> str:
        return f"{self.years}岁" + (f"{self.months}个月" if self.months else "")


def retirement_age(track: Track, year: int, month: int) -> RetirementAge:
    """The statutory retirement age of someone born in ``year``/``month`` on ``track``."""
    if not 1 <= month <= 12:
        raise ValueError(f"no such month: {month}")
    total = track.former_age * 12 + track.delay(year, month)
    return RetirementAge(total // 12, total % 12, add_months(date(year, month, 1), total))


# From 2030 the minimum contribution for a monthly pension rises by six months a year, from 15 years to 20 in
# 2039 (the same decision; 退休年龄与社保公积金政策指南 第六条): the year the retirement age is reached counts.
MINIMUM_MONTHS, FINAL_MINIMUM_MONTHS, FIRST_RISE_YEAR, RISE_MONTHS = 180, 240, 2030, 6


def minimum_contribution_months(retiring_year: int) -> int:
    """Months of contributions needed for a monthly pension by someone reaching retirement age that year."""
    rises = max(0, retiring_year - FIRST_RISE_YEAR + 1)
    return min(MINIMUM_MONTHS + RISE_MONTHS * rises, FINAL_MINIMUM_MONTHS)


def _month_index(year: int, month: int) -> int:
    return year * 12 + month - 1
