"""Rule-based parsing of colloquial Chinese quantities: money, lengths of time, dates, head counts and
disability grades, with normalised values.

Workers write "八千块", "2万5", "三年半", "去年三月", "三十多个工友"; the calculators need exact values.
Rules beat a learned model here: values are deterministic and every failure is inspectable. Numeral
values come from nlu/numerals.py (cn2an); the language pipeline (nlu/language) runs this as a component.

All matching runs on a copy of the text in which full-width characters are replaced one-for-one by
ASCII, so every span found is a valid character offset into the original text.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction

from nlu.numerals import parse_numeral

__all__ = [
    "Duration",
    "Headcount",
    "find_entities",
    "parse_date",
    "parse_duration",
    "parse_headcount",
    "parse_money",
    "parse_number",
]

# One-for-one replacements only: offsets must survive normalisation.
_FULL_WIDTH = str.maketrans(
    {
        **{chr(0xFF10 + i): str(i) for i in range(10)},
        "．": ".",
        "－": "-",
        "／": "/",
        "＋": "+",
        "（": "(",
        "）": ")",
        "Ｘ": "X",
        "ｘ": "x",
        "：": ":",
        "　": " ",
        "Ｋ": "K",
        "ｋ": "k",
        "Ｗ": "W",
        "ｗ": "w",
    }
)

# Characters a Chinese numeral is written with (values: nlu/numerals.py).
_CN_NUMERAL_CHARS = "零〇一壹二贰两俩三叁四肆五伍六陆七柒八捌九玖十拾百佰千仟万亿廿卅"

# The trailing (?![0-9]) stops a digit run being re-split on backtracking (exponential on long numbers).
_ARABIC = r"(?:[0-9]+(?:,[0-9]{3})+(?:\.[0-9]+)?|[0-9]+(?:\.[0-9]+)?)(?![0-9])"
# A 一/两 right after 百/千/万 and before a measure word starts the next phrase: "三千一个月" is 3000 a month.
_NUM = rf"(?:{_ARABIC}|(?!(?<=[百千万佰仟])[一两][个次天年周])[{_CN_NUMERAL_CHARS}])+"
_NUM_CHARS = set(_CN_NUMERAL_CHARS) | set("0123456789.,")


# --------------------------------------------------------------------------- numerals


def parse_number(text: str) -> Decimal | None:
    """Parse a bare numeral ("三千五", "1.2万", "８０００") into a Decimal, or None if it is not one."""
    norm = text.strip().translate(_FULL_WIDTH)
    if not re.fullmatch(_NUM, norm):
        return None
    numeral = parse_numeral(norm)
    return _tidy(numeral.value) if numeral else None


def _tidy(value: Decimal) -> Decimal:
    return Decimal(format(value.normalize(), "f"))


def _decimal_str(value: Decimal) -> str:
    return format(value.normalize(), "f")


# --------------------------------------------------------------------------- value types


@dataclass(frozen=True)
class Duration:
    """A length of time as said: "三年半" = 3 years 6 months; "一年多" is approximate (at least 1 year)."""

    years: int = 0
    months: int = 0
    days: int = 0
    hours: Decimal = Decimal(0)
    approximate: bool = False

    @property
    def total_months(self) -> Fraction:
        """Length in months; days count as 1/30 month, hours are ignored."""
        return self.years * 12 + self.months + Fraction(self.days, 30)

    @property
    def iso(self) -> str:
        """ISO 8601 duration, e.g. "P3Y6M", "P5M29D", "PT20H"."""
        out = "P" + "".join(f"{n}{u}" for n, u in ((self.years, "Y"), (self.months, "M"), (self.days, "D")) if n)
        if self.hours:
            out += f"T{_decimal_str(self.hours)}H"
        return out if out != "P" else "P0D"


@dataclass(frozen=True)
class Headcount:
    """Number of people; qualifier "more" for "三十多个" (30+), "about" for "二十来号" (~20)."""

    count: int
    qualifier: str = ""

    @property
    def normalised(self) -> str:
        return {"more": f"{self.count}+", "about": f"~{self.count}"}.get(self.qualifier, str(self.count))


@dataclass(frozen=True)
class _Found:
    entity: str
    start: int
    end: int
    value: str
    parsed: object


# --------------------------------------------------------------------------- money

_MONEY_RE = re.compile(
    rf"(?P<num>{_NUM})(?P<k>[kKwW](?![A-Za-z]))?(?P<approx>多|余|来|几)?(?P<mag>[千万])?(?P<approx2>多)?"
    r"(?P<unit>块钱|块|元|圆|rmb|RMB)?"
)
_MONEY_CUE_RE = re.compile(
    r"(?:工资|月薪|年薪|时薪|日薪|薪水|薪资|薪酬|底薪|收入|到手|税前|税后|补偿金?|赔偿金?|加班费|奖金|提成|押金|欠薪|欠了?|扣了?)"
    r"[是为了约大概有共计就才只每月个:\s]{0,3}$"
)
_NOT_MONEY_NEXT = set("人个名号位天年月日次小时周岁条件项分%")
_MAGNITUDES = {"k": 1000, "K": 1000, "w": 10000, "W": 10000, "千": 1000, "万": 10000}


def _money(norm: str) -> Iterator[_Found]:
    for m in _MONEY_RE.finditer(norm):
        numeral = parse_numeral(m.group("num"))
        if numeral is None or norm[max(0, m.start() - 3) : m.start()] == "百分之":
            continue
        has_magnitude = bool(m.group("k") or m.group("mag")) or any(c in m.group("num") for c in "千万仟亿")
        followed = norm[m.end() : m.end() + 1]
        cue = _MONEY_CUE_RE.search(norm, max(0, m.start() - 10), m.start())
        if not (m.group("unit") or ((cue or has_magnitude) and followed not in _NOT_MONEY_NEXT)):
            continue
        value = numeral.value
        for group in ("k", "mag"):
            if m.group(group):
                value *= _MAGNITUDES[m.group(group)]
        if value > 0:
            yield _Found("money", m.start(), m.end(), _decimal_str(value), _tidy(value))


# --------------------------------------------------------------------------- durations

_PART_NUM = rf"(?P<n>{_NUM}|大?半)"
_DURATION_PARTS = {
    "years": re.compile(rf"{_PART_NUM}(?P<more>多|来|余)?年(?P<half>半)?(?P<more2>多)?(?!代|级)"),
    "months": re.compile(
        rf"(?P<n>{_NUM}|半)(?P<more>多|来|余)?(?:个|(?<=俩))(?P<half>半)?(?P<more2>多)?月(?P<more3>多)?"
    ),
    "months_bare": re.compile(rf"(?P<n>{_NUM})月(?!份|底|初|末)"),
    "weeks": re.compile(
        rf"(?P<n>{_NUM})(?P<more>多|来)?个?(?:星期|礼拜|周)(?![一二三四五六日天末岁])"
    ),  # 50周岁: an age
    "days": re.compile(rf"(?P<n>{_NUM})(?P<more>多|来|余)?天"),
    "days_bare": re.compile(rf"(?P<n>{_NUM})(?P<more>多|来|余)?日"),
    "hours": re.compile(rf"(?P<n>{_NUM}|半)(?P<more>多|来)?个?(?P<half0>半)?(?:小时|钟头)(?P<half>半)?(?P<more2>多)?"),
}
# Each slot lists the patterns tried there; "bare" forms (三月, 十日) only count after a larger unit.
_DURATION_SLOTS = (
    ("years", ("years",)),
    ("months", ("months", "months_bare")),
    ("weeks", ("weeks",)),
    ("days", ("days", "days_bare")),
    ("hours", ("hours",)),
)
_CONNECTORS = ("零", "又")
_DURATION_STARTS = _NUM_CHARS | {"半", "大"}


def _part_amount(m: re.Match) -> tuple[Fraction, bool] | None:
    groups = m.groupdict()
    n = groups["n"]
    if n in ("半", "大半"):
        return Fraction(1, 2), n == "大半"
    numeral = parse_numeral(n)
    if numeral is None:
        return None
    amount = Fraction(numeral.value)
    if groups.get("half") or groups.get("half0"):
        amount += Fraction(1, 2)
    approximate = numeral.approximate or any(groups.get(g) for g in ("more", "more2", "more3"))
    return amount, approximate


def _scan_duration(norm: str, start: int) -> tuple[int, Duration] | None:
    """Longest duration starting exactly at `start`: "两年零三个月", "5个月29天", "一年多"."""
    pos, found_any, approximate = start, False, False
    total = {"years": Fraction(0), "months": Fraction(0), "days": Fraction(0), "hours": Fraction(0)}
    for slot, names in _DURATION_SLOTS:
        part_start = pos
        if found_any and norm.startswith(_CONNECTORS, pos):
            part_start = pos + 1
        for name in names:
            if name.endswith("_bare") and not found_any:
                continue
            m = _DURATION_PARTS[name].match(norm, part_start)
            amount = _part_amount(m) if m else None
            if amount is None:
                continue
            if slot == "years" and (
                amount[0] >= 1000 or re.fullmatch(r"[0-9]{4}|[〇零一二三四五六七八九]{4}", m.group("n"))
            ):
                return None  # a calendar year ("2023年"), not a duration
            value, approx = amount
            total["days" if slot == "weeks" else slot] += value * 7 if slot == "weeks" else value
            approximate = approximate or approx
            pos, found_any = m.end(), True
            break
    if not found_any:
        return None
    return pos, _duration_from(total, approximate)


def _duration_from(total: dict, approximate: bool) -> Duration:
    """Carry fractions down: half a year is 6 months, half a month 15 days, a fraction of a day in hours."""
    years = int(total["years"])
    months_f = total["months"] + (total["years"] - years) * 12
    months = int(months_f)
    days_f = total["days"] + (months_f - months) * 30
    days = int(days_f)
    hours_f = total["hours"] + (days_f - days) * 24
    hours = Decimal(hours_f.numerator) / Decimal(hours_f.denominator)
    return Duration(years, months, days, _tidy(hours) if hours else Decimal(0), approximate)


def _durations(norm: str) -> Iterator[tuple[int, int, Duration]]:
    i = 0
    while i < len(norm):
        # "第一年" is an ordinal, and a start inside a numeral would cut it ("十二年" -> "二年").
        if norm[i] not in _DURATION_STARTS or (i > 0 and (norm[i - 1] in _NUM_CHARS or norm[i - 1] == "第")):
            i += 1
            continue
        scanned = _scan_duration(norm, i)
        if scanned:
            end, duration = scanned
            yield i, end, duration
            i = end
        else:
            i += 1


def _duration_entities(norm: str) -> Iterator[_Found]:
    for start, end, duration in _durations(norm):
        yield _Found("duration", start, end, duration.iso, duration)


# --------------------------------------------------------------------------- dates

_NOT_NUM_BEFORE = rf"(?<![0-9.{_CN_NUMERAL_CHARS}])"
_DAY = rf"(?P<day>{_NUM})[日号]"
_PART = r"(?P<part>上旬|中旬|下旬|初|底|末)"
_ISO_DATE_RE = re.compile(
    r"(?<![0-9])(?P<year>[0-9]{4})(?P<sep>[-/.])(?P<month>[0-9]{1,2})(?:(?P=sep)(?P<day>[0-9]{1,2}))?(?![0-9])"
)
_YEAR_DATE_RE = re.compile(
    rf"(?:{_NOT_NUM_BEFORE}(?P<year>[0-9]{{4}}|[〇零一二三四五六七八九]{{4}}|[0-9]{{2}}(?=年[0-9一二三四五六七八九十]))年"
    rf"|(?P<rel_year>大前年|前年|去年|今年|明年|后年))"
    rf"(?:(?P<month>{_NUM})月份?(?:{_DAY}|{_PART})?|年?(?P<year_part>初|底|末))?"
)
_REL_MONTH_RE = re.compile(rf"(?P<rel_month>上上个月|上个月|上月|这个月|本月|下个月|下月)(?:{_DAY}|{_PART})?")
_MONTH_DATE_RE = re.compile(rf"{_NOT_NUM_BEFORE}(?![俩两]月)(?P<month>{_NUM})月份?(?:{_DAY}|{_PART})?")
_DAY_DATE_RE = re.compile(rf"{_NOT_NUM_BEFORE}(?<!月){_DAY}(?![人楼线门店院床位])")
_REL_DAY_RE = re.compile(r"大前天|前天|昨天|昨日|今天|今日|明天|后天")

_REL_YEARS = {"大前年": -3, "前年": -2, "去年": -1, "今年": 0, "明年": 1, "后年": 2}
_REL_MONTHS = {"上上个月": -2, "上个月": -1, "上月": -1, "这个月": 0, "本月": 0, "下个月": 1, "下月": 1}
_REL_DAYS = {"大前天": -3, "前天": -2, "昨天": -1, "昨日": -1, "今天": 0, "今日": 0, "明天": 1, "后天": 2}
_AGO = ("以前", "之前", "前")


def _shift_months(d: date, months: int) -> date:
    year, month0 = divmod(d.year * 12 + d.month - 1 + months, 12)
    return date(year, month0 + 1, min(d.day, calendar.monthrange(year, month0 + 1)[1]))


def _int_of(token: str | None) -> int | None:
    if token is None:
        return None
    numeral = parse_numeral(token)
    if numeral is None or numeral.approximate or numeral.value != numeral.value.to_integral_value():
        return None
    return int(numeral.value)


def _day_in_month(year: int, month: int, day: int | None, part: str | None) -> date | None:
    if not 1 <= month <= 12:
        return None
    last = calendar.monthrange(year, month)[1]
    if day is None:
        day = {"中旬": 11, "下旬": 21, "底": last, "末": last}.get(part or "", 1)
    return date(year, month, day) if 1 <= day <= last else None


def _most_recent(today: date, month: int, day: int | None, part: str | None) -> date | None:
    """A month/day said without a year is taken as its latest occurrence not after today."""
    this_year = _day_in_month(today.year, month, day, part)
    if this_year is not None and this_year <= today:
        return this_year
    return _day_in_month(today.year - 1, month, day, part)


def _dates(norm: str, today: date) -> Iterator[tuple[int, int, date]]:
    for m in _ISO_DATE_RE.finditer(norm):
        day = int(m.group("day")) if m.group("day") else None
        if m.group("sep") == "." and day is None:
            continue  # "2023.6" is more likely a decimal than June 2023
        found = _day_in_month(int(m.group("year")), int(m.group("month")), day, None)
        if found:
            yield m.start(), m.end(), found
    for m in _YEAR_DATE_RE.finditer(norm):
        if m.group("rel_year"):
            year = today.year + _REL_YEARS[m.group("rel_year")]
        else:
            year = _int_of(m.group("year"))
            year = year + 2000 if year is not None and year < 100 else year
        if year is None:
            continue
        month = _int_of(m.group("month"))
        if m.group("month") and month is None:
            continue
        if month is None:
            found = date(year, 12, 31) if m.group("year_part") in ("底", "末") else date(year, 1, 1)
        else:
            found = _day_in_month(year, month, _int_of(m.group("day")), m.group("part"))
        if found:
            yield m.start(), m.end(), found
    for m in _REL_MONTH_RE.finditer(norm):
        first = _shift_months(today.replace(day=1), _REL_MONTHS[m.group("rel_month")])
        found = _day_in_month(first.year, first.month, _int_of(m.group("day")), m.group("part"))
        if found:
            yield m.start(), m.end(), found
    for m in _MONTH_DATE_RE.finditer(norm):
        month = _int_of(m.group("month"))
        found = _most_recent(today, month, _int_of(m.group("day")), m.group("part")) if month else None
        if found:
            yield m.start(), m.end(), found
    for m in _DAY_DATE_RE.finditer(norm):
        day = _int_of(m.group("day"))
        if day is None:
            continue
        this_month = _day_in_month(today.year, today.month, day, None)
        if this_month is None or this_month > today:
            previous = _shift_months(today.replace(day=1), -1)
            this_month = _day_in_month(previous.year, previous.month, day, None)
        if this_month:
            yield m.start(), m.end(), this_month
    for m in _REL_DAY_RE.finditer(norm):
        yield m.start(), m.end(), today + timedelta(days=_REL_DAYS[m.group()])
    for start, end, duration in _durations(norm):
        ago = next((word for word in _AGO if norm.startswith(word, end)), None)
        if ago and not duration.hours:
            back = _shift_months(today, -(duration.years * 12 + duration.months))
            yield start, end + len(ago), back - timedelta(days=duration.days)


def _date_entities(norm: str, today: date) -> Iterator[_Found]:
    for start, end, found in _dates(norm, today):
        yield _Found("date", start, end, found.isoformat(), found)


# --------------------------------------------------------------------------- headcount

_HEADCOUNT_RE = re.compile(
    rf"(?P<n>{_NUM})(?P<more>多|余|几)?(?P<about>来)?(?:个|名|位|号)?"
    r"(?:人|工友|员工|同事|工人|职工|农民工|兄弟|老乡|师傅)"
)


def _headcounts(norm: str) -> Iterator[_Found]:
    for m in _HEADCOUNT_RE.finditer(norm):
        numeral = parse_numeral(m.group("n"))
        if numeral is None or numeral.value != numeral.value.to_integral_value():
            continue
        qualifier = "more" if m.group("more") or numeral.approximate else "about" if m.group("about") else ""
        headcount = Headcount(int(numeral.value), qualifier)
        yield _Found("headcount", m.start(), m.end(), headcount.normalised, headcount)


# --------------------------------------------------------------------------- disability grade

_GRADE = r"(10|[1-9]|十|[一二两三四五六七八九])"
_GRADE_RE = re.compile(
    rf"伤残{_GRADE}级|{_GRADE}级(?:伤残|残疾|残废|工伤|伤)|(?:评|鉴定|定)[了为成上个]*{_GRADE}级"
    rf"|(?:工伤|伤残等级)[是为了评定成]*{_GRADE}级"  # 工伤十级, 眼睛工伤为七级, 伤残等级为八级
)
_GRADE_NUMERALS = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}


def _disability_grades(norm: str) -> Iterator[_Found]:
    """Work-injury disability grades 1–10: "十级伤残", "伤残七级", "评了个九级", "工伤十级"."""
    for m in _GRADE_RE.finditer(norm):
        index = next(i for i in range(1, 5) if m.group(i))
        token = m.group(index)
        grade = int(token) if token.isdigit() else _GRADE_NUMERALS[token]
        end = m.end() + (2 if norm.startswith(("伤残", "残疾", "残废"), m.end()) else 0)  # 评了个九级伤残
        if 1 <= grade <= 10:
            yield _Found("disability_grade", m.start(index), end, str(grade), grade)


# --------------------------------------------------------------------------- public API

# On overlap the longer span wins; on equal length, the more specific entity type.
_PRIORITY = {"disability_grade": 0, "date": 2, "duration": 3, "money": 4, "headcount": 5}


def _resolved(text: str, today: date | None) -> list[_Found]:
    norm = text.translate(_FULL_WIDTH)
    today = today or date.today()
    candidates = [
        *_disability_grades(norm),
        *_date_entities(norm, today),
        *_duration_entities(norm),
        *_money(norm),
        *_headcounts(norm),
    ]
    chosen: list[_Found] = []
    for c in sorted(candidates, key=lambda c: (c.start - c.end, _PRIORITY[c.entity], c.start)):
        if all(c.end <= o.start or c.start >= o.end for o in chosen):
            chosen.append(c)
    return sorted(chosen, key=lambda c: c.start)


def find_entities(text: str, today: date | None = None) -> list[dict]:
    """Entities in `text` as Rasa-style dicts {entity, value, start, end}.

    Types: money ("8000"), duration (ISO 8601, "P3Y6M"), date (ISO, relative dates resolved against
    `today`, default the current date), headcount ("18", "30+", "~20") and disability_grade ("9").
    Spans index into `text`. Phone and ID numbers are found by the language pipeline (nlu/language).
    """
    return [{"entity": f.entity, "value": f.value, "start": f.start, "end": f.end} for f in _resolved(text, today)]


def _first(text: str, entity: str, today: date | None = None) -> object | None:
    return next((f.parsed for f in _resolved(text, today) if f.entity == entity), None)


def parse_money(text: str) -> Decimal | None:
    """First amount of money in `text` ("8千", "八千块", "8,000元", "2万5", "月薪6500", "五千多" = 5000).

    A bare number ("6500") is accepted when it is the whole answer, as in a form reply.
    """
    found = _first(text, "money")
    if found is not None:
        return found
    bare = re.fullmatch(rf"\s*(?P<num>{_NUM})(?:多|来|余)?\s*", text.translate(_FULL_WIDTH))
    numeral = parse_numeral(bare.group("num")) if bare else None
    return _tidy(numeral.value) if numeral and numeral.value > 0 else None


def parse_duration(text: str) -> Duration | None:
    """First length of time in `text` ("三年半", "两年零三个月", "5个月29天", "一年多", "半年")."""
    return _first(text, "duration")


def parse_date(text: str, today: date) -> date | None:
    """First date in `text`, resolved against `today`.

    Month or year precision resolves to the first day ("去年三月" -> March 1 of last year, "前年" ->
    January 1); a month/day without a year is its latest occurrence not after `today`.
    """
    return _first(text, "date", today)


def parse_headcount(text: str) -> Headcount | None:
    """First number of people in `text` ("18个人", "三十多个工友" = 30+, "二十来号人" = ~20)."""
    return _first(text, "headcount")
