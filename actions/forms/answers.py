"""Turn a worker's free-text form answer into a slot value ("三年半", "8千", "去年三月", "没有").

Each parser returns a JSON-serialisable value or None when the answer is unusable or implausible;
the form then re-asks with an example. Values: money as a decimal string, durations as
[years, months, days], dates as ISO strings.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from actions.forms.places import find_city, find_district
from knowledge_base.calculators import ServicePeriod, add_months
from nlu.language import entities
from nlu.zh_parse import find_entities, parse_date, parse_duration, parse_money, parse_number

MIN_MONTHLY_WAGE = Decimal(300)
MAX_MONTHLY_WAGE = Decimal(1_000_000)
MAX_SERVICE_YEARS = 60
MAX_OVERTIME_HOURS = 2000  # a year of heavy overtime; more is a typo
EARLIEST_DATE = date(1970, 1, 1)


@dataclass
class Answer:
    text: str
    intent: str | None
    today: date = field(default_factory=date.today)

    @property
    def clean(self) -> str:
        return self.text.strip().rstrip("。！!.~ ")


_YES = re.compile(r"^(是|是的|对|对的|有|有的|嗯+|同意|可以|好|好的|行|要|需要|违法|签了|签过)")
_NO = re.compile(r"^(否|不|没|无|非|不是|不对|没有|不同意|不可以|不需要|不要|没签|未签)")
_UNSURE = re.compile(r"不确定|不知道|不清楚|说不好|不好说|搞不清")


def said_no(answer: Answer) -> bool:
    """ "没有", "不是" — but not "不知道", which is no answer at all."""
    if _UNSURE.search(answer.text):
        return False
    return answer.intent == "deny" or bool(_NO.match(answer.clean))


def yes_no(answer: Answer) -> bool | None:
    if _UNSURE.search(answer.text):
        return None
    if said_no(answer):
        return False
    if answer.intent == "affirm" or _YES.match(answer.clean):
        return True
    return None


def unlawful_dismissal(answer: Answer) -> str | None:
    """ "yes", "no" or "unsure" (computed as N, with a note about 2N)."""
    if _UNSURE.search(answer.text):
        return "unsure"
    verdict = yes_no(answer)
    return None if verdict is None else ("yes" if verdict else "no")


def monthly_wage(answer: Answer) -> str | None:
    value = parse_money(answer.text)
    if value is None or not MIN_MONTHLY_WAGE <= value <= MAX_MONTHLY_WAGE:
        return None
    return str(value)


def service_period(answer: Answer) -> list[int] | None:
    """A length of service: "三年半", "5个月29天", a bare number of years, or the start date ("2019年3月入职")."""
    duration = parse_duration(answer.text)
    if duration is not None:
        period = ServicePeriod.of(duration.years, duration.months, duration.days)
    else:
        number = parse_number(answer.clean.rstrip("年"))
        start = parse_date(answer.text, answer.today) if number is None else None
        if number is not None and number == int(number):
            period = ServicePeriod.of(int(number))
        elif start is not None and EARLIEST_DATE <= start < answer.today:
            period = ServicePeriod.from_dates(start, answer.today)
        else:
            return None
    if period == ServicePeriod() or period.years >= MAX_SERVICE_YEARS:
        return None
    return [period.years, period.months, period.days]


UNKNOWN_CITY = "不详"


def city(answer: Answer) -> str | None:
    """The city; "不知道" is accepted (the result then says no local cap was checked)."""
    return find_city(answer.text) or (UNKNOWN_CITY if _UNSURE.search(answer.text) else None)


def district(answer: Answer) -> str | None:
    return find_district(answer.text)


def hours(answer: Answer) -> str | None:
    """Overtime hours; days count as 8 hours ("加了3天班"); "没有" is zero."""
    if said_no(answer) or answer.clean in ("0", "零"):
        return "0"
    duration = parse_duration(answer.text)
    if duration is not None and not (duration.years or duration.months):
        value = duration.hours + Decimal(duration.days * 8)
    else:
        value = parse_number(answer.clean.rstrip("个小时钟头"))
    if value is None or not 0 <= value <= MAX_OVERTIME_HOURS:
        return None
    return str(value)


def past_date(answer: Answer) -> str | None:
    found = parse_date(answer.text, answer.today)
    if found is None or not EARLIEST_DATE <= found <= answer.today:
        return None
    return found.isoformat()


def employment_start(answer: Answer) -> str | None:
    """A start date, or how long ago ("干了8个月") counted back from today."""
    found = past_date(answer)
    if found:
        return found
    period = service_period(answer)
    if period is None:
        return None
    start = add_months(answer.today, -(period[0] * 12 + period[1])) - timedelta(days=period[2])
    return start.isoformat()


def contract_signed_on(answer: Answer) -> str | None:
    """The day a written contract was signed, or "none"."""
    found = past_date(answer)
    if found:
        return found
    return "none" if said_no(answer) else None


_EMPLOYED = re.compile(r"在职|还在|没离职|没有离职|仍在|继续干|还没走|没走")


def employment_end(answer: Answer) -> str | None:
    """The last working day, or "employed" for a worker still on the job."""
    if _EMPLOYED.search(answer.text) or answer.intent == "affirm":
        return "employed"
    return past_date(answer)


def leave_days_taken(answer: Answer) -> int | None:
    if said_no(answer):
        return 0
    duration = parse_duration(answer.text)
    value = (
        Decimal(duration.days)
        if duration and not (duration.years or duration.months)
        else parse_number(answer.clean.rstrip("天"))
    )
    if value is None or value != int(value) or not 0 <= value <= 30:
        return None
    return int(value)


def leave_dates(answer: Answer) -> dict | None:
    """{"joined_on": ISO, "left_on": ISO} for a worker who joined or left this year; {} for neither."""
    if said_no(answer):
        return {}
    found = {}
    for part in re.split(r"[，,；;。\s]+", answer.text):
        day = parse_date(part, answer.today)
        if day is None:
            continue
        if "入职" in part or "进" in part or "来" in part:
            found["joined_on"] = day.isoformat()
        elif "离职" in part or "走" in part or "辞" in part or "离开" in part:
            found["left_on"] = day.isoformat()
    return found or None


def description(answer: Answer) -> str | None:
    return answer.text.strip() if len(answer.clean) >= 4 else None


_MASKED_MOBILE = re.compile(r"1[3-9]\d\*{4}\d{4}")


def phone(answer: Answer) -> str | None:
    """A mobile number as the app passed it on: masked (139****5678), the app keeps the real one."""
    masked = _MASKED_MOBILE.search(answer.text)
    if masked:
        return masked.group(0)
    return next((e["value"] for e in entities(answer.text) if e["entity"] == "phone"), None)


_SCORE_WORDS = (
    ("很不满意", 1),
    ("非常不满意", 1),
    ("不满意", 2),
    ("一般", 3),
    ("非常满意", 5),
    ("很满意", 5),
    ("满意", 4),
)


def feedback_score(answer: Answer) -> int | None:
    text = answer.clean.rstrip("分星")
    number = parse_number(text)
    if number is None:
        number = next((Decimal(score) for word, score in _SCORE_WORDS if word in text), None)
    if number is None or number != int(number) or not 1 <= number <= 5:
        return None
    return int(number)


def single(values: list[Any]) -> Any | None:
    """The value when exactly one candidate was said; two amounts could be wage and arrears."""
    return values[0] if len(values) == 1 else None


def money_mentions(text: str) -> list[str]:
    return [e["value"] for e in find_entities(text) if e["entity"] == "money"]


def duration_mentions(text: str) -> list[str]:
    return [e["value"] for e in find_entities(text) if e["entity"] == "duration"]
