"""经济补偿 (N) and 违法解除赔偿金 (2N): 劳动合同法 第四十七条、第八十七条."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from .common import (
    LABOR_CONTRACT_LAW,
    LABOR_CONTRACT_REGULATION,
    Amount,
    CalculationResult,
    ServicePeriod,
    cite,
    number,
    round_money,
    to_decimal,
    yuan,
)
from .figures import Figure

YEARS_CAP = 12
AVERAGE_WAGE_MULTIPLE = 3


@dataclass(frozen=True, kw_only=True)
class SeveranceResult(CalculationResult):
    monthly_wage: Decimal
    base_wage: Decimal  # after the 3x cap or the minimum-wage floor
    months_of_pay: Decimal  # after the 12-year cap
    multiplier: int  # 1 for 经济补偿, 2 for 违法解除赔偿金
    amount: Decimal


def months_of_pay(service: ServicePeriod) -> Decimal:
    """One month per full year; a remainder of six months or more counts as a year, less as half."""
    if service.months >= 6:
        return Decimal(service.years + 1)
    if service.months or service.days:
        return Decimal(service.years) + Decimal("0.5")
    return Decimal(service.years)


def _months_explanation(service: ServicePeriod, months: Decimal) -> str:
    remainder = ServicePeriod(0, service.months, service.days)
    text = f"满{service.years}年计{service.years}个月"
    if service.months >= 6:
        text += f"，余{remainder.describe()}（六个月以上不满一年按一年）计1个月"
    elif service.months or service.days:
        text += f"，余{remainder.describe()}（不满六个月）计0.5个月"
    return f"{text}，共{number(months)}个月"


def severance(
    monthly_wage: Amount,
    service: ServicePeriod,
    *,
    average_wage: Figure | None = None,
    minimum_wage: Figure | None = None,
    unlawful: bool = False,
) -> SeveranceResult:
    """N (or 2N when `unlawful`) for `service` at `monthly_wage` (average of the last 12 months).

    `average_wage` is the local 上年度职工月平均工资 that triggers the 3x/12-year cap;
    `minimum_wage` is the local minimum wage that floors the base (实施条例 第二十七条).
    """
    wage = to_decimal(monthly_wage)
    uncapped_months = months_of_pay(service)
    base, months = wage, uncapped_months
    cap_notes: list[str] = []
    notes: list[str] = []
    figures: list[str] = []
    citations = [cite(LABOR_CONTRACT_LAW, "第四十七条")]

    if average_wage is not None:
        figures.append(average_wage.describe())
        ceiling = average_wage.value * AVERAGE_WAGE_MULTIPLE
        if wage > ceiling:
            base, months = ceiling, min(uncapped_months, Decimal(YEARS_CAP))
            text = (
                f"月工资{yuan(wage)}高于当地上年度职工月平均工资{yuan(average_wage.value)}的三倍"
                f"（{yuan(ceiling)}），计算基数按{yuan(ceiling)}封顶，补偿年限最高不超过十二年"
            )
            if months < uncapped_months:
                text += f"（按工作年限本应计{number(uncapped_months)}个月，封顶为{YEARS_CAP}个月）"
            cap_notes.append(text + "。")
    else:
        notes.append(
            "未提供当地上年度职工月平均工资，未核对三倍封顶；月工资高于当地职工月平均工资三倍的，"
            "计算基数和年限都会受限。"
        )
    if minimum_wage is not None and wage < minimum_wage.value:
        figures.append(minimum_wage.describe())
        base = minimum_wage.value
        cap_notes.append(f"月平均工资{yuan(wage)}低于当地最低工资标准，按最低工资标准{yuan(base)}计算。")
        citations.append(cite(LABOR_CONTRACT_REGULATION, "第二十七条"))

    multiplier = 2 if unlawful else 1
    amount = round_money(base * months) * multiplier  # 2N is exactly twice the rounded N
    if unlawful:
        citations += [cite(LABOR_CONTRACT_LAW, "第八十七条"), cite(LABOR_CONTRACT_REGULATION, "第二十五条")]
        notes.append(
            "违法解除的赔偿金按经济补偿标准的二倍计算，计算年限自用工之日起算；支付了赔偿金的，不再另付经济补偿。"
        )
        formula = f"违法解除赔偿金（2N）＝2×计算基数×补偿月数＝2×{yuan(base)}×{number(months)}＝{yuan(amount)}"
    else:
        formula = f"经济补偿（N）＝计算基数×补偿月数＝{yuan(base)}×{number(months)}＝{yuan(amount)}"
    formula += f"；补偿月数：{_months_explanation(service, uncapped_months)}"

    inputs = {"月工资（解除前十二个月平均）": yuan(wage), "本单位工作年限": service.describe()}
    if average_wage is not None:
        inputs["当地上年度职工月平均工资"] = f"{yuan(average_wage.value)}（{average_wage.year}年）"
    return SeveranceResult(
        inputs=inputs,
        formula=formula,
        citations=citations,
        cap_note="".join(cap_notes) or None,
        notes=notes,
        figures_used=figures,
        monthly_wage=wage,
        base_wage=round_money(base),
        months_of_pay=months,
        multiplier=multiplier,
        amount=amount,
    )
