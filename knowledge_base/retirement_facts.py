"""What a message says about when someone retires: the birth it states, the retirement-age group its words
leave possible, and the sentences that apply the 2025 step-by-step rise to them (the union guide
退休年龄与社保公积金政策指南: article 1 for the age, article 6 for the minimum contribution years).

"我1975年3月出生的女工人" → born March 1975, a woman of the former-50 group → "按您说的1975年3月出生，原50岁退休
的女职工的法定退休年龄是50岁2个月（2025年5月到龄）". A birth the words do not state with confidence gives nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from nlu.numerals import to_int
from phrasebook import say

from .calculators.retirement import (
    MEN,
    TRACKS,
    WOMEN_50,
    WOMEN_55,
    RetirementAge,
    Track,
    minimum_contribution_months,
    retirement_age,
)


@dataclass(frozen=True)
class Birth:
    earliest_year: int
    latest_year: int  # the same year when it was stated; two when it comes from an age ("今年51")
    month: int | None = None
    from_age: int | None = None


_CN_DIGIT = {c: str(i) for i, c in enumerate("零一二三四五六七八九")} | {"〇": "0"}
_YEAR = r"(?<!\d)(?P<y>19[4-9]\d|[4-9]\d|一九[零〇一二三四五六七八九]{2}|[四五六七八九][零〇一二三四五六七八九])年"
_MONTH = r"(?:(?P<m>1[0-2]|0?[1-9]|十[一二]?|[一二三四五六七八九])月份?)?"
# "1968年5月出生", "七九年春天生的", "俺是七五年生人"; or a year said of a person: "我75年的", "老婆1982年的",
# or standing alone as a clause.
_BORN = (
    re.compile(rf"{_YEAR}{_MONTH}[^，。,；;！!？?\d]{{0,4}}?(?:出生|生人|生的|生(?=[，。,；;！!？?\s]|$))"),
    re.compile(rf"(?:^|我|俺|她|他|本人|老婆|媳妇|妻子|老公|丈夫|是)\s*{_YEAR}{_MONTH}的"),
    re.compile(rf"(?:^|[\s，,。])\s*{_YEAR}{_MONTH}的(?=[\s，,。；;！!？?]|$)"),  # "…干活 七六年的 今年五十了"
)
_FEMALE = re.compile(r"女|老婆|媳妇|妻子|我妈|母亲|阿姨|大姐|大妈")
_MALE = re.compile(r"男|老公|丈夫|我爸|父亲|大叔|大爷")
# What a woman's former retirement age was: 50 for workers, 55 for cadres and staff; an age she names
# ("满50岁单位就让我退") points to it too.
_FORMER_50 = re.compile(
    r"(?<!\d)50(?!\d)|五十(?![一二三四五六七八九])|工人|车间|厂里|工厂|流水线|保洁|挡车工|普工|操作工|一线"
)
_FORMER_55 = re.compile(r"(?<!\d)55(?!\d)|五十五|干部|管理岗|管理人员|技术岗|职员|科员|文员|会计|教师|老师|护士|办公室")


def stated_birth(text: str) -> Birth | None:
    """The one birth year (and month) the message states; None when it states none or several."""
    found = set()
    for m in (m for pattern in _BORN for m in pattern.finditer(text)):
        year = "".join(_CN_DIGIT.get(ch, ch) for ch in m["y"])
        found.add((int(year) + (1900 if len(year) == 2 else 0), to_int(m["m"]) if m["m"] else None))
    if len(found) != 1:
        return None
    year, month = found.pop()
    return Birth(year, year, month)


def birth_from_age(age: tuple[int, int] | None, today: date) -> Birth | None:
    """The birth years an exact stated age allows ("今年51": born in 1974 or 1975 when asked in 2026)."""
    if age is None or age[0] != age[1]:
        return None
    return Birth(today.year - age[0] - 1, today.year - age[0], from_age=age[0])


def retirement_groups(text: str) -> tuple[Track, ...]:
    """The retirement-age groups the words leave possible: a man's, or a woman's former 50 or 55 when the
    message says which kind of post she holds (or held); every group the words cannot rule out otherwise."""
    female, male = bool(_FEMALE.search(text)), bool(_MALE.search(text))
    if male and not female:
        return (MEN,)
    if not female:
        return TRACKS
    worker, staff = bool(_FORMER_50.search(text)), bool(_FORMER_55.search(text))
    return (WOMEN_50,) if worker and not staff else (WOMEN_55,) if staff and not worker else (WOMEN_55, WOMEN_50)


_TRACK_NAMES = {MEN.key: "男职工", WOMEN_55.key: "原55岁退休的女职工", WOMEN_50.key: "原50岁退休的女职工"}


def retirement_sentence(born: Birth | None, tracks: tuple[Track, ...]) -> str | None:
    """退休年龄与社保公积金政策指南 第一条: the age for each group the worker's words leave possible, a range
    over the birth months when only the year (or the age) is known."""
    said = []
    for track, first, last in _by_group(born, tracks):
        age = first.describe() if first.describe() == last.describe() else f"{first.describe()}到{last.describe()}"
        said.append(say("facts.retirement_track", who=_TRACK_NAMES[track.key], age=age, reached=_reached(first, last)))
    return _born_lead(born) + "；".join(said) if said else None


def pension_minimum_sentence(born: Birth | None, tracks: tuple[Track, ...]) -> str | None:
    """退休年龄与社保公积金政策指南 第六条: the minimum contribution in the year each possible group reaches its
    retirement age (15 years until 2029, then six months more a year up to 20)."""
    said = []
    for track, first, last in _by_group(born, tracks):
        low, high = (minimum_contribution_months(r.month_reached.year) for r in (first, last))
        years = _years(low) if low == high else f"{_years(low)}到{_years(high)}"
        said.append(
            say("facts.pension_minimum", who=_TRACK_NAMES[track.key], reached=_reached(first, last), years=years)
        )
    return _born_lead(born) + "；".join(said) if said else None


def _by_group(born: Birth | None, tracks: tuple[Track, ...]) -> list[tuple[Track, RetirementAge, RetirementAge]]:
    """For each group the words leave possible: the retirement of the earliest and the latest birth month."""
    if born is None:
        return []
    earliest, latest = (born.earliest_year, born.month or 1), (born.latest_year, born.month or 12)
    return [(t, retirement_age(t, *earliest), retirement_age(t, *latest)) for t in tracks]


def _born_lead(born: Birth) -> str:
    year = str(born.earliest_year) + ("" if born.earliest_year == born.latest_year else f"或{born.latest_year}")
    birth = f"{year}年" + (f"{born.month}月" if born.month else "")
    if born.from_age:
        return say("facts.retirement_from_age", age=born.from_age, born=birth)
    return say("facts.retirement_born", born=birth)


def _reached(first: RetirementAge, last: RetirementAge) -> str:
    if first.month_reached == last.month_reached:
        return _month(first.month_reached)
    return f"{_month(first.month_reached)}至{_month(last.month_reached)}之间"


def _years(months: int) -> str:
    return f"{months // 12}年" + (f"{months % 12}个月" if months % 12 else "")


def _month(day: date) -> str:
    return f"{day.year}年{day.month}月"
