"""Colloquial Chinese counts and ages ("三十多", "十几", "上百", "十五六", "100") to integers.

Triage only needs lower bounds ("三十多个人" means at least 30), so vague forms resolve to a
conservative value: 几 alone is 3, 几十 is 20, 十几 is 12.
"""

from __future__ import annotations

import re

from nlu.numerals import parse_numeral

# Characters a count may be written with; the table's {num} fragment is built from the same set.
NUMBER_PATTERN = r"(?:\d+|上百|上千|数十|数百|成百|好几十|好几百|[零一二两三四五六七八九十百千几]+)"

_FIXED = {"上百": 100, "成百": 100, "上千": 1000, "数十": 20, "好几十": 20, "数百": 200, "好几百": 200}


def parse_count(text: str) -> int | None:
    """Value of a count written in digits or Chinese numerals (a range counts as its lower end); None when it
    is not a number."""
    text = text.strip()
    if not text:
        return None
    if text in _FIXED:
        return _FIXED[text]
    if text == "几":
        return 3
    numeral = parse_numeral(text.replace("几", "二"))  # 几十 -> 20, 十几 -> 12: the conservative reading
    if numeral is None or numeral.value != numeral.value.to_integral_value():
        return None
    return int(numeral.value)


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
