"""Service levels for the lawyers' first reply, counted from the moment the case was opened.

    urgent  15 minutes   (crisis: self-harm, violence, danger, serious injury now, group incidents)
    high     2 hours
    normal  24 hours

The badge turns amber in the last quarter of the allowance and red once it is exceeded; it stops at
the first lawyer reply ("已响应").
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from api.cases.models import Case
from api.core.db import as_utc

SLA = {"urgent": timedelta(minutes=15), "high": timedelta(hours=2), "normal": timedelta(hours=24)}
WARN_SHARE = 0.25


@dataclass(frozen=True)
class SlaBadge:
    label: str
    state: str  # ok | warn | breach | met | late | none


def sla_badge(case: Case, now: datetime) -> SlaBadge:
    allowance = SLA.get(case.priority, SLA["normal"])
    opened = as_utc(case.opened_at)
    responded = as_utc(case.first_response_at)
    if responded is not None:
        took = responded - opened
        return SlaBadge(f"已响应（用时{duration_text(took)}）", "met" if took <= allowance else "late")
    if case.status == "closed":
        return SlaBadge("已结案", "none")
    left = opened + allowance - now
    if left < timedelta(0):
        return SlaBadge(f"已超时{duration_text(-left)}", "breach")
    return SlaBadge(f"剩余{duration_text(left)}", "warn" if left <= allowance * WARN_SHARE else "ok")


def duration_text(span: timedelta) -> str:
    minutes = int(span.total_seconds() // 60)
    if minutes < 60:
        return f"{max(minutes, 0)}分钟"
    hours, minutes = divmod(minutes, 60)
    if hours < 48:
        return f"{hours}小时{minutes}分" if minutes else f"{hours}小时"
    return f"{hours // 24}天"
