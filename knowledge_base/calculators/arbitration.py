"""劳动仲裁时效: 劳动争议调解仲裁法 第二十七条."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from .common import ARBITRATION_LAW, CalculationResult, add_months, cite

LIMIT_MONTHS = 12
_CAVEATS = [
    "向对方主张权利、向有关部门请求权利救济或对方同意履行的，时效中断并重新计算；"
    "因不可抗力等正当理由不能申请的，时效中止（第二十七条第二、三款）。",
    "期间自次日起算；期间最后一日是法定休假日的，以休假日结束的次日为最后一日。请尽早申请，不要等到最后一天。",
]


@dataclass(frozen=True, kw_only=True)
class ArbitrationDeadlineResult(CalculationResult):
    deadline: date | None  # None while wage arrears run during employment (no limit yet)
    days_remaining: int | None  # negative once expired
    expired: bool


def arbitration_deadline(
    *,
    today: date,
    knew_on: date | None = None,
    wage_arrears_while_employed: bool = False,
    employment_ended_on: date | None = None,
) -> ArbitrationDeadlineResult:
    """Last day to apply for labour arbitration and the days left from `today`.

    General rule: one year from `knew_on`, the day the worker knew or should have known of the
    infringement. Wages owed during employment: no limit while employed, then one year from
    `employment_ended_on`.
    """
    citations = [cite(ARBITRATION_LAW, "第二十七条")]
    if wage_arrears_while_employed:
        inputs = {
            "争议类型": "劳动关系存续期间拖欠劳动报酬",
            "劳动关系终止日": employment_ended_on.isoformat() if employment_ended_on else "尚未终止",
        }
        if employment_ended_on is None:
            return ArbitrationDeadlineResult(
                inputs=inputs,
                citations=citations,
                notes=_CAVEATS[:1],
                deadline=None,
                days_remaining=None,
                expired=False,
                formula="劳动关系存续期间因拖欠劳动报酬发生争议的，申请仲裁不受一年时效限制；"
                "劳动关系终止的，应自终止之日起一年内提出",
            )
        start, start_label = employment_ended_on, "劳动关系终止之日"
    else:
        if knew_on is None:
            raise ValueError("knew_on is required unless the claim is for wages owed during employment")
        inputs = {"争议类型": "一般劳动争议", "知道或应当知道权利被侵害之日": knew_on.isoformat()}
        start, start_label = knew_on, "知道或应当知道权利被侵害之日"
    deadline = add_months(start, LIMIT_MONTHS)
    remaining = (deadline - today).days
    status = f"距今天（{today.isoformat()}）还剩{remaining}天" if remaining >= 0 else f"已超过{-remaining}天"
    return ArbitrationDeadlineResult(
        inputs=inputs,
        citations=citations,
        notes=list(_CAVEATS),
        formula=f"仲裁时效一年，自{start_label}（{start.isoformat()}）起算，最后一日为{deadline.isoformat()}，{status}",
        deadline=deadline,
        days_remaining=remaining,
        expired=remaining < 0,
    )
