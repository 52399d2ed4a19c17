"""The one parser of numerals as workers write them: Arabic, Chinese or mixed ("8,000", "1.2万", "2万5",
"三千五", "二〇二三", "两百"), on the cn2an library; plus what cn2an leaves to us: 俩, a range said with two
adjacent digits ("三四千": its lower end, marked approximate) and words with units but no digit ("千万").
Used by the quantity parser (nlu/zh_parse.py), triage's counts, statute article numbers and staff pages.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

import cn2an

_CN_DIGIT_CHARS = "零〇一壹二贰两俩三叁四肆五伍六陆七柒八捌九玖"
_NONZERO = _CN_DIGIT_CHARS[2:]
_RANGE = re.compile(rf"([{_NONZERO}])([{_NONZERO}])(?=[十拾百佰千仟万亿]|$)")  # 三四千, 十五六; not 一百零五
_HAS_DIGIT = re.compile(rf"[0-9{_CN_DIGIT_CHARS}十拾廿卅]")


@dataclass(frozen=True)
class Numeral:
    value: Decimal
    approximate: bool  # "两三", "三四千": a range; value is its lower end


def parse_numeral(token: str) -> Numeral | None:
    """Value of one numeral token, or None when it is no number."""
    s = token.replace(",", "").replace("俩", "两").strip()
    if not s or not _HAS_DIGIT.search(s):
        return None  # "千万" ("by all means") has units but no digit
    approximate = False
    # Digits read out one by one (二〇二三, 一三九) are a number, not a range.
    spoken_digits = all(ch in _CN_DIGIT_CHARS for ch in s) and (len(s) >= 3 or s[-1] in "零〇")
    if not spoken_digits and (m := _RANGE.search(s)) and m.group(1) != m.group(2):
        s, approximate = s[: m.start()] + m.group(1) + s[m.end() :], True
    try:
        value = Decimal(str(cn2an.cn2an(s, "smart")))
    except (ValueError, KeyError, InvalidOperation):
        return None
    return Numeral(Decimal(format(value.normalize(), "f")), approximate)


def to_int(token: str) -> int | None:
    """An exact whole number ("四十七" -> 47), or None."""
    numeral = parse_numeral(token)
    if numeral is None or numeral.approximate or numeral.value != numeral.value.to_integral_value():
        return None
    return int(numeral.value)


def to_chinese(number: int) -> str:
    """47 -> "四十七", as statute article numbers are written."""
    return cn2an.an2cn(number)
