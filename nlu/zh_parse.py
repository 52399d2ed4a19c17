"""Rule-based parsing of colloquial Chinese quantities and personal identifiers.

Workers write "八千块", "2万5", "三年半", "去年三月", "三十多个工友"; the calculators need exact values,
and logs must never keep a phone or ID number in clear. Rules beat a learned model here: values are
deterministic and every failure is inspectable. Standard library only (the Rasa venv is Python 3.10).

All matching runs on a copy of the text in which full-width characters are replaced one-for-one by
ASCII, so every span found is a valid character offset into the original text.
"""
from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction
from typing import Iterator, List, Optional, Tuple

__all__ = [
    "Duration",
    "Headcount",
    "find_entities",
    "mask_pii",
    "parse_date",
    "parse_duration",
    "parse_headcount",
    "parse_money",
    "parse_number",
]

# One-for-one replacements only: offsets must survive normalisation.
_FULL_WIDTH = str.maketrans(
    {**{chr(0xFF10 + i): str(i) for i in range(10)},
     "．": ".", "－": "-", "／": "/", "＋": "+", "（": "(", "）": ")", "Ｘ": "X", "ｘ": "x",
     "：": ":", "　": " ", "Ｋ": "K", "ｋ": "k", "Ｗ": "W", "ｗ": "w"}
)

_CN_DIGITS = {
    "零": 0, "〇": 0, "一": 1, "壹": 1, "二": 2, "贰": 2, "两": 2, "俩": 2, "三": 3, "叁": 3,
    "四": 4, "肆": 4, "五": 5, "伍": 5, "六": 6, "陆": 6, "七": 7, "柒": 7, "八": 8, "捌": 8,
    "九": 9, "玖": 9,
}
_CN_SMALL_UNITS = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
_CN_BIG_UNITS = {"亿": 10**8, "万": 10**4}  # split on 亿 before 万
_CN_TENS = {"廿": "二十", "卅": "三十"}
_ZEROS = "零〇"
_CN_NUMERAL_CHARS = "".join([*_CN_DIGITS, *_CN_SMALL_UNITS, *_CN_BIG_UNITS, *_CN_TENS])

# The trailing (?![0-9]) stops a digit run being re-split on backtracking (exponential on long numbers).
_ARABIC = r"(?:[0-9]+(?:,[0-9]{3})+(?:\.[0-9]+)?|[0-9]+(?:\.[0-9]+)?)(?![0-9])"
_ARABIC_RE = re.compile(_ARABIC)
# A 一/两 right after 百/千/万 and before a measure word starts the next phrase: "三千一个月" is 3000 a month.
_NUM = (
    rf"(?:{_ARABIC}|(?!(?<=[百千万佰仟])[一两][个次天年周])[{_CN_NUMERAL_CHARS}])+"
)
_NUM_CHARS = set(_CN_NUMERAL_CHARS) | set("0123456789.,")



# --------------------------------------------------------------------------- numerals


@dataclass(frozen=True)
class _Numeral:
    value: Decimal
    approximate: bool  # "两三", "三四千": a range; value is its lower end


def _numeral(token: str) -> Optional[_Numeral]:
    """Value of a numeral mixing Arabic and Chinese forms: "8,000", "1.2万", "2万5", "三千五", "二〇二三"."""
    s = token.replace(",", "")
    for tens, spelled in _CN_TENS.items():
        s = s.replace(tens, spelled)
    if not any(ch.isdigit() or ch in _CN_DIGITS or ch in "十拾" for ch in s):
        return None  # "千万" ("by all means") has units but no digit
    if len(s) >= 2 and all(ch in _CN_DIGITS for ch in s) and (len(s) >= 3 or s[-1] in _ZEROS):
        return _Numeral(Decimal("".join(str(_CN_DIGITS[ch]) for ch in s)), False)  # 二〇二三
    value, approximate = _with_big_units(s)
    return _Numeral(value, approximate)


def _with_big_units(s: str) -> Tuple[Decimal, bool]:
    for char, unit in _CN_BIG_UNITS.items():
        if char in s:
            head, tail = s.split(char, 1)
            head_value, head_approx = _with_big_units(head) if head else (Decimal(1), False)
            tail_value, tail_approx = _after_big_unit(tail, unit)
            return head_value * unit + tail_value, head_approx or tail_approx
    return _section(s)


def _after_big_unit(s: str, unit: int) -> Tuple[Decimal, bool]:
    """A lone digit after 万/亿 is shorthand for the next lower place: "一万二" = 12000, "2万5" = 25000."""
    if not s:
        return Decimal(0), False
    if s[0] in _ZEROS:
        return _with_big_units(s[1:]) if s[1:] else (Decimal(0), False)
    if len(s) == 1:
        return Decimal(_digit_value(s)) * unit / 10, False
    return _with_big_units(s)


def _digit_value(ch: str) -> int:
    return int(ch) if ch.isdigit() else _CN_DIGITS[ch]


def _section(s: str) -> Tuple[Decimal, bool]:
    """Value of a numeral below 万: "三千五" = 3500, "一百零五" = 105, "十二" = 12, "3千5" = 3500."""
    total = Decimal(0)
    current: Optional[Decimal] = None
    current_is_lone_digit = False
    last_unit = 0
    after_zero = False
    approximate = False
    previous_was_cn_digit = False
    i = 0
    while i < len(s):
        arabic = _ARABIC_RE.match(s, i)
        if arabic:
            current = Decimal(arabic.group())
            current_is_lone_digit = len(arabic.group()) == 1
            previous_was_cn_digit = False
            i = arabic.end()
            continue
        ch = s[i]
        i += 1
        if ch in _ZEROS:
            after_zero, current, previous_was_cn_digit = True, None, False
        elif ch in _CN_DIGITS:
            if previous_was_cn_digit:
                approximate = True  # adjacent digits name a range
            else:
                current, current_is_lone_digit = Decimal(_CN_DIGITS[ch]), True
            previous_was_cn_digit = True
        elif ch in _CN_SMALL_UNITS:
            last_unit = _CN_SMALL_UNITS[ch]
            total += (current if current is not None else 1) * last_unit
            current, after_zero, previous_was_cn_digit = None, False, False
    if current is not None:
        shorthand = last_unit and not after_zero and current_is_lone_digit
        total += current * last_unit / 10 if shorthand else current
    return total, approximate


def parse_number(text: str) -> Optional[Decimal]:
    """Parse a bare numeral ("三千五", "1.2万", "８０００") into a Decimal, or None if it is not one."""
    norm = text.strip().translate(_FULL_WIDTH)
    if not re.fullmatch(_NUM, norm):
        return None
    numeral = _numeral(norm)
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
        numeral = _numeral(m.group("num"))
        if numeral is None or norm[max(0, m.start() - 3):m.start()] == "百分之":
            continue
        has_magnitude = bool(m.group("k") or m.group("mag")) or any(c in m.group("num") for c in "千万仟亿")
        followed = norm[m.end():m.end() + 1]
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
    "weeks": re.compile(rf"(?P<n>{_NUM})(?P<more>多|来)?个?(?:星期|礼拜|周)(?![一二三四五六日天末岁])"),  # 50周岁: an age
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


def _part_amount(m: re.Match) -> Optional[Tuple[Fraction, bool]]:
    groups = m.groupdict()
    n = groups["n"]
    if n in ("半", "大半"):
        return Fraction(1, 2), n == "大半"
    numeral = _numeral(n)
    if numeral is None:
        return None
    amount = Fraction(numeral.value)
    if groups.get("half") or groups.get("half0"):
        amount += Fraction(1, 2)
    approximate = numeral.approximate or any(groups.get(g) for g in ("more", "more2", "more3"))
    return amount, approximate


def _scan_duration(norm: str, start: int) -> Optional[Tuple[int, Duration]]:
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
            if slot == "years" and (amount[0] >= 1000 or re.fullmatch(r"[0-9]{4}|[〇零一二三四五六七八九]{4}", m.group("n"))):
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


def _durations(norm: str) -> Iterator[Tuple[int, int, Duration]]:
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
_REL_MONTH_RE = re.compile(
    rf"(?P<rel_month>上上个月|上个月|上月|这个月|本月|下个月|下月)(?:{_DAY}|{_PART})?"
)
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


def _int_of(token: Optional[str]) -> Optional[int]:
    if token is None:
        return None
    numeral = _numeral(token)
    if numeral is None or numeral.approximate or numeral.value != numeral.value.to_integral_value():
        return None
    return int(numeral.value)


def _day_in_month(year: int, month: int, day: Optional[int], part: Optional[str]) -> Optional[date]:
    if not 1 <= month <= 12:
        return None
    last = calendar.monthrange(year, month)[1]
    if day is None:
        day = {"中旬": 11, "下旬": 21, "底": last, "末": last}.get(part or "", 1)
    return date(year, month, day) if 1 <= day <= last else None


def _most_recent(today: date, month: int, day: Optional[int], part: Optional[str]) -> Optional[date]:
    """A month/day said without a year is taken as its latest occurrence not after today."""
    this_year = _day_in_month(today.year, month, day, part)
    if this_year is not None and this_year <= today:
        return this_year
    return _day_in_month(today.year - 1, month, day, part)


def _dates(norm: str, today: date) -> Iterator[Tuple[int, int, date]]:
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
        numeral = _numeral(m.group("n"))
        if numeral is None or numeral.value != numeral.value.to_integral_value():
            continue
        qualifier = "more" if m.group("more") or numeral.approximate else "about" if m.group("about") else ""
        headcount = Headcount(int(numeral.value), qualifier)
        yield _Found("headcount", m.start(), m.end(), headcount.normalised, headcount)


# --------------------------------------------------------------------------- phone and ID numbers

_MOBILE_RE = re.compile(
    r"(?<![0-9])(?:\+?86[- ]?)?(?P<number>1[3-9][0-9](?:[0-9]{8}|[- ][0-9]{4}[- ][0-9]{4}))(?![0-9])"
)
_LANDLINE_RE = re.compile(
    r"(?<![0-9])(?P<number>(?:\(0[1-9][0-9]{1,2}\)|0[1-9][0-9]{1,2}[- ]?)[2-9][0-9]{6,7})(?![0-9])"
)
_ID_RE = re.compile(
    r"(?<![0-9A-Za-z])(?P<number>[1-9][0-9]{5}(?:18|19|20)[0-9]{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12][0-9]|3[01])"
    r"[0-9]{3}[0-9Xx])(?![0-9A-Za-z])"
)
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK_CHARS = "10X98765432"


def _id_checksum_ok(number: str) -> bool:
    """GB 11643-1999 check character of an 18-digit resident ID."""
    total = sum(int(ch) * w for ch, w in zip(number[:17], _ID_WEIGHTS))
    return _ID_CHECK_CHARS[total % 11] == number[17].upper()


def _phones(norm: str) -> Iterator[_Found]:
    for pattern in (_MOBILE_RE, _LANDLINE_RE):
        for m in pattern.finditer(norm):
            digits = re.sub(r"[^0-9]", "", m.group("number"))
            yield _Found("phone", m.start("number"), m.end("number"), digits, digits)


def _id_numbers(norm: str) -> Iterator[_Found]:
    for m in _ID_RE.finditer(norm):
        number = m.group("number").upper()
        if _id_checksum_ok(number):
            yield _Found("id_number", m.start(), m.end(), number, number)


# --------------------------------------------------------------------------- public API

# On overlap the longer span wins; on equal length, the more specific entity type.
_PRIORITY = {"id_number": 0, "phone": 1, "date": 2, "duration": 3, "money": 4, "headcount": 5}


def _resolved(text: str, today: Optional[date]) -> List[_Found]:
    norm = text.translate(_FULL_WIDTH)
    today = today or date.today()
    candidates = [
        *_id_numbers(norm), *_phones(norm), *_date_entities(norm, today),
        *_duration_entities(norm), *_money(norm), *_headcounts(norm),
    ]
    chosen: List[_Found] = []
    for c in sorted(candidates, key=lambda c: (c.start - c.end, _PRIORITY[c.entity], c.start)):
        if all(c.end <= o.start or c.start >= o.end for o in chosen):
            chosen.append(c)
    return sorted(chosen, key=lambda c: c.start)


def find_entities(text: str, today: Optional[date] = None) -> List[dict]:
    """Entities in `text` as Rasa-style dicts {entity, value, start, end}.

    Types: money ("8000"), duration (ISO 8601, "P3Y6M"), date (ISO, relative dates resolved against
    `today`, default the current date), headcount ("18", "30+", "~20"), phone (digits only) and
    id_number (18-character resident ID with a valid check character). Spans index into `text`.
    """
    return [
        {"entity": f.entity, "value": f.value, "start": f.start, "end": f.end}
        for f in _resolved(text, today)
    ]


def _first(text: str, entity: str, today: Optional[date] = None) -> Optional[object]:
    return next((f.parsed for f in _resolved(text, today) if f.entity == entity), None)


def parse_money(text: str) -> Optional[Decimal]:
    """First amount of money in `text` ("8千", "八千块", "8,000元", "2万5", "月薪6500", "五千多" = 5000).

    A bare number ("6500") is accepted when it is the whole answer, as in a form reply.
    """
    found = _first(text, "money")
    if found is not None:
        return found
    bare = re.fullmatch(rf"\s*(?P<num>{_NUM})(?:多|来|余)?\s*", text.translate(_FULL_WIDTH))
    numeral = _numeral(bare.group("num")) if bare else None
    return _tidy(numeral.value) if numeral and numeral.value > 0 else None


def parse_duration(text: str) -> Optional[Duration]:
    """First length of time in `text` ("三年半", "两年零三个月", "5个月29天", "一年多", "半年")."""
    return _first(text, "duration")


def parse_date(text: str, today: date) -> Optional[date]:
    """First date in `text`, resolved against `today`.

    Month or year precision resolves to the first day ("去年三月" -> March 1 of last year, "前年" ->
    January 1); a month/day without a year is its latest occurrence not after `today`.
    """
    return _first(text, "date", today)


def parse_headcount(text: str) -> Optional[Headcount]:
    """First number of people in `text` ("18个人", "三十多个工友" = 30+, "二十来号人" = ~20)."""
    return _first(text, "headcount")


# Masking reads numbers however they are typed: 139.5555.1313, 139 5555 1313, 1 3 9 5…, 一三九五五五五一三一三,
# 15-digit (first-generation) IDs. Each character maps to one character, so spans stay the same.
_SPOKEN_DIGITS = str.maketrans({**{ch: str(d) for ch, d in (("零", 0), ("〇", 0), ("一", 1), ("幺", 1), ("二", 2),
                                                              ("三", 3), ("四", 4), ("五", 5), ("六", 6), ("七", 7),
                                                              ("八", 8), ("九", 9))}})
_DIGIT_RUN_RE = re.compile(r"(?<![0-9])[0-9](?:[ .\-_·]?[0-9])+(?:[ .\-_·]?[Xx])?(?![0-9])")
# Public hotlines are never personal data (crisis and service lines the bot itself gives out).
PUBLIC_NUMBERS = frozenset({"01082951332", "4001619995", "12356", "12351", "12333", "12348", "12315", "12345"})


def _pii_spans(text: str) -> List[Tuple[int, int, int, int]]:
    """(start, end, digits kept at the head, digits kept at the tail) of every phone or ID number."""
    shadow = text.translate(_FULL_WIDTH).translate(_SPOKEN_DIGITS)
    spans = []
    for m in _DIGIT_RUN_RE.finditer(shadow):
        digits = re.sub(r"[^0-9Xx]", "", m.group())
        if digits in PUBLIC_NUMBERS:
            continue
        if len(digits) in (15, 18) and digits[0] != "0":
            spans.append((m.start(), m.end(), 6, 4))
        elif len(digits) == 11 and re.match(r"1[3-9]", digits):
            spans.append((m.start(), m.end(), 3, 4))
        elif len(digits) >= 16:  # a bank card, or an ID typed with a stray digit
            spans.append((m.start(), m.end(), 4, 4))
    for m in _LANDLINE_RE.finditer(shadow):
        number = re.sub(r"[^0-9]", "", m.group("number"))
        if number not in PUBLIC_NUMBERS and all(m.end("number") <= s or m.start("number") >= e for s, e, _, _ in spans):
            spans.append((m.start("number"), m.end("number"), 3, 4))
    return sorted(spans)


def _mask_span(text: str, shadow: str, start: int, end: int, keep_head: int, keep_tail: int) -> str:
    positions = [i for i in range(start, end) if shadow[i].isdigit() or shadow[i] in "Xx"]
    hidden = set(positions[keep_head:len(positions) - keep_tail])
    return "".join("*" if i in hidden else text[i] for i in range(start, end))


def mask_pii(text: str) -> str:
    """Hide phone numbers (139****5678), ID numbers (110101********1234) and card numbers, however typed."""
    shadow = text.translate(_FULL_WIDTH).translate(_SPOKEN_DIGITS)
    out, last = [], 0
    for start, end, head, tail in _pii_spans(text):
        out += [text[last:start], _mask_span(text, shadow, start, end, head, tail)]
        last = end
    return "".join(out) + text[last:]