"""Local figures (average and minimum wage, pay days) read from knowledge_base/data/local_figures.yml.

The figures change by city and year and are maintained by staff, so they live in data, and every
answer names the figure, its year and its source.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

DEFAULT_PATH = Path(__file__).resolve().parent.parent / "data" / "local_figures.yml"


@dataclass(frozen=True)
class Figure:
    """One published figure with its provenance."""

    label: str
    value: Decimal
    unit: str
    year: int
    applies_from: date
    source: str
    verify: bool

    def describe(self) -> str:
        """Chinese sentence naming the figure, its year and source, as shown with every result."""
        applies = f"{self.year}年数据，{self.applies_from.isoformat()}起适用；来源：{self.source}"
        text = f"{self.label}：{self.value}{self.unit}（{applies}）"
        return text + "。注意：该数字尚待工作人员核实。" if self.verify else text + "。"


@lru_cache(maxsize=4)
def _load(path: Path) -> dict[str, Any]:
    with open(path, encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def _pick(section: dict[str, Any] | None, on: date) -> Figure | None:
    """The entry with the latest `applies_from` not after `on`."""
    if not section:
        return None
    entries: list[dict[str, Any]] = [e for e in section["entries"] if e["applies_from"] <= on]
    if not entries:
        return None
    entry = max(entries, key=lambda e: e["applies_from"])
    return Figure(
        label=section["label"],
        value=Decimal(str(entry["value"])),
        unit=section["unit"],
        year=int(entry["year"]),
        applies_from=entry["applies_from"],
        source=entry["source"],
        verify=bool(entry.get("verify", False)),
    )


def cities(path: Path = DEFAULT_PATH) -> list[str]:
    """Cities that have local figures."""
    return list(_load(path)["cities"])


def local_figure(city: str, kind: str, on: date, path: Path = DEFAULT_PATH) -> Figure | None:
    """Figure `kind` ("average_monthly_wage" or "minimum_monthly_wage") for `city` in force on `on`.

    None when the city or kind is unknown or no figure had been published yet on that date.
    """
    return _pick(_load(path)["cities"].get(city, {}).get(kind), on)


def monthly_pay_days(on: date | None = None, path: Path = DEFAULT_PATH) -> Figure:
    """Monthly pay days used to derive daily and hourly wages (21.75)."""
    figure = _pick(_load(path)["national"]["monthly_pay_days"], on or date.today())
    if figure is None:
        raise LookupError(f"no monthly pay days figure in force on {on}")
    return figure
