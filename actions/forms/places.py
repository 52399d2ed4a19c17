"""Recognise the worker's city and Beijing district from the NLU lookup tables (one list for NLU and forms)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import yaml

LOOKUP_DIR = Path(__file__).resolve().parents[2] / "nlu_data" / "lookups"
OUTSIDE_BEIJING = "北京市外"
_OUTSIDE_WORDS = ("外地", "不在北京", "京外", "外省")


@cache
def _lookup(name: str) -> list[str]:
    """Names of one lookup table, longest first so "朝阳区" wins over "朝阳"."""
    names: list[str] = []
    for path in sorted(LOOKUP_DIR.glob("*.yml")):
        for item in (yaml.safe_load(path.read_text("utf-8")) or {}).get("nlu", []):
            if item.get("lookup") == name:
                names += [line.strip()[2:].strip() for line in item["examples"].splitlines() if line.strip()]
    return sorted(set(names), key=len, reverse=True)


@cache
def _district_full_names() -> dict[str, str]:
    names = _lookup("district")
    full = [n for n in names if n.endswith("区")]
    return {n: next((f for f in full if f.startswith(n)), n) for n in names}


def find_district(text: str) -> str | None:
    """The Beijing district named in `text` as its full name ("朝阳" -> "朝阳区"), or OUTSIDE_BEIJING."""
    full = _district_full_names()
    found = next((name for name in full if name in text), None)
    if found:
        return full[found]
    if any(word in text for word in _OUTSIDE_WORDS):
        return OUTSIDE_BEIJING
    return None


def find_city(text: str) -> str | None:
    """The city named in `text` without the 市 suffix ("北京市" -> "北京"); a Beijing district means 北京."""
    found = next((name for name in _lookup("city") if name in text), None)
    if found:
        return found[:-1] if found.endswith("市") and len(found) > 2 else found
    district = find_district(text)
    return "北京" if district and district != OUTSIDE_BEIJING else None
