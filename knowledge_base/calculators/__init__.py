"""Calculators for what a worker is owed and by when. Pure functions: no Rasa, no I/O but the figures file."""

from .annual_leave import AnnualLeaveResult, annual_leave, full_year_days
from .arbitration import ArbitrationDeadlineResult, arbitration_deadline
from .common import CalculationResult, ServicePeriod, add_months
from .double_wage import DoubleWageResult, double_wage
from .figures import Figure, cities, local_figure, monthly_pay_days
from .overtime import OvertimeResult, overtime
from .severance import SeveranceResult, months_of_pay, severance

__all__ = [
    "AnnualLeaveResult",
    "ArbitrationDeadlineResult",
    "CalculationResult",
    "DoubleWageResult",
    "Figure",
    "OvertimeResult",
    "ServicePeriod",
    "SeveranceResult",
    "add_months",
    "annual_leave",
    "arbitration_deadline",
    "cities",
    "double_wage",
    "full_year_days",
    "local_figure",
    "monthly_pay_days",
    "months_of_pay",
    "overtime",
    "severance",
]
