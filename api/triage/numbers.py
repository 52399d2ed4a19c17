"""Colloquial Chinese counts and ages ("三十多", "十几", "上百", "十五六", "100") to integers.

Triage only needs lower bounds ("三十多个人" means at least 30), so vague forms resolve to a
conservative value: 几 alone is 3, 几十 is 20, 十几 is 12.
"""
from __future__ import annotations

import re

# Characters a count may be written with; the table's {num} fragment is built from the same set.
NUMBER_PATTERN = r"(?:\d+|上百|上千|数十|数百|成百|好几十|好几百|[零一二两三四五六七八九十百千几]+)"

_FIXED = {"上百": 100, "成百": 100, "上千": 1000, "数十": 20, "好几十": 20, "数百": 200, "好几百": 200}
_DIGITS = {"零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_UNITS = {"十": 10, "百": 100, "千": 1000}


def parse_count(text: str) -> int | None:
    """Value of a count written in digits or Chinese numerals; None when it is not a number."""
    text = text.strip()
    if not text:
        return None
    if text.isdigit():
        return int(text)
    if text in _FIXED:
        return _FIXED[text]
    if text == "几":
        return 3
    total, digit, seen_digit = 0, None, False
    for char in text:
        if char in _DIGITS or char == "几":
            if seen_digit and digit is not None:
                continue  # a range ("十五六", "三四十"): keep its lower end, the unit still applies
            digit = 2 if char == "几" else _DIGITS[char]
            seen_digit = True
        elif char in _UNITS:
            total += (1 if digit is None else digit) * _UNITS[char]
            digit, seen_digit = None, False
        else:
            return None
    if digit is not None:
        total += digit
    return total


def parse_entity_value(value: object) -> int | None:
    """Numeric value of an entity that may arrive as int, float or a Chinese string."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return int(value)
    if isinstance(value, str):
        match = re.search(NUMBER_PATTERN, value)
        return parse_count(match.group(0)) if match else None
    return None
