"""Calculators: hand-computed cases for every rule and boundary, properties, citations against the corpus."""

from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from knowledge_base.calculators import (
    Figure,
    ServicePeriod,
    annual_leave,
    arbitration_deadline,
    double_wage,
    full_year_days,
    local_figure,
    monthly_pay_days,
    months_of_pay,
    overtime,
    severance,
)
from knowledge_base.calculators.figures import DEFAULT_PATH, _load
from knowledge_base.calculators.retirement import MEN, WOMEN_50, WOMEN_55, minimum_contribution_months, retirement_age

BEIJING_2024 = Figure(
    label="测试用月平均工资",
    value=Decimal("11937"),
    unit="元/月",
    year=2024,
    applies_from=date(2025, 7, 1),
    source="测试",
    verify=False,
)
MINIMUM = Figure(
    label="测试用最低工资",
    value=Decimal("2420"),
    unit="元/月",
    year=2023,
    applies_from=date(2023, 9, 1),
    source="测试",
    verify=False,
)
PAY_DAYS_20_67 = Figure(
    label="月计薪天数",
    value=Decimal("20.67"),
    unit="天",
    year=2025,
    applies_from=date(2025, 1, 1),
    source="测试",
    verify=False,
)


# --------------------------------------------------------------------------- service periods


@pytest.mark.parametrize(
    "start, last_day, expected",
    [
        (date(2024, 1, 1), date(2024, 6, 29), ServicePeriod(0, 5, 29)),
        (date(2024, 1, 1), date(2024, 6, 30), ServicePeriod(0, 6, 0)),
        (date(2020, 3, 15), date(2023, 9, 14), ServicePeriod(3, 6, 0)),
        (date(2020, 3, 15), date(2020, 3, 15), ServicePeriod(0, 0, 1)),
        (date(2024, 1, 31), date(2024, 2, 28), ServicePeriod(0, 1, 0)),  # no Feb 31: month end closes the month
    ],
)
def test_service_period_from_dates(start, last_day, expected):
    assert ServicePeriod.from_dates(start, last_day) == expected


def test_service_period_of_spoken_components():
    assert ServicePeriod.of(months=18) == ServicePeriod(1, 6, 0)
    assert ServicePeriod.of(months=5, days=29) == ServicePeriod(0, 5, 29)
    assert ServicePeriod.of(months=5, days=30) == ServicePeriod(0, 6, 0)
    with pytest.raises(ValueError):
        ServicePeriod(0, 12, 0)


# --------------------------------------------------------------------------- severance


@pytest.mark.parametrize(
    "service, months",
    [
        (ServicePeriod(0, 5, 29), Decimal("0.5")),
        (ServicePeriod(0, 6, 0), Decimal("1")),
        (ServicePeriod(0, 0, 1), Decimal("0.5")),
        (ServicePeriod(0, 0, 0), Decimal("0")),
        (ServicePeriod(2, 0, 0), Decimal("2")),
        (ServicePeriod(3, 5, 29), Decimal("3.5")),
        (ServicePeriod(3, 6, 0), Decimal("4")),
    ],
)
def test_months_of_pay(service, months):
    assert months_of_pay(service) == months


def test_severance_five_months_29_days_is_half_a_month():
    result = severance("8000", ServicePeriod.from_dates(date(2024, 1, 1), date(2024, 6, 29)))
    assert result.amount == Decimal("4000.00")
    assert "不满六个月" in result.formula


def test_severance_exactly_six_months_is_one_month():
    result = severance(8000, ServicePeriod.from_dates(date(2024, 1, 1), date(2024, 6, 30)))
    assert result.amount == Decimal("8000.00")


def test_severance_no_cap_for_normal_wage():
    result = severance(10000, ServicePeriod(15, 3, 0), average_wage=BEIJING_2024)
    assert (result.base_wage, result.months_of_pay, result.amount) == (
        Decimal("10000.00"),
        Decimal("15.5"),
        Decimal("155000.00"),
    )
    assert result.cap_note is None
    assert result.figures_used == [BEIJING_2024.describe()]


def test_severance_high_wage_caps_base_and_twelve_years():
    result = severance(40000, ServicePeriod(15, 3, 0), average_wage=BEIJING_2024)
    # 3 × 11937 = 35811; 15.5 months capped to 12
    assert (result.base_wage, result.months_of_pay, result.amount) == (
        Decimal("35811.00"),
        Decimal("12"),
        Decimal("429732.00"),
    )
    assert "35811.00元" in result.cap_note and "十二年" in result.cap_note and "15.5" in result.cap_note


def test_severance_high_wage_short_service_caps_only_the_base():
    result = severance(40000, ServicePeriod(3, 0, 0), average_wage=BEIJING_2024)
    assert result.amount == Decimal("107433.00")


def test_severance_wage_exactly_three_times_average_is_not_capped():
    result = severance(35811, ServicePeriod(15, 3, 0), average_wage=BEIJING_2024)
    assert result.amount == Decimal("555070.50") and result.cap_note is None


def test_severance_cap_makes_a_small_raise_cost_a_long_serving_worker():
    # The 12-year cap applies only above 3x the average: the law's own discontinuity, kept on purpose.
    below = severance(35811, ServicePeriod(15, 0, 0), average_wage=BEIJING_2024)
    above = severance("35811.01", ServicePeriod(15, 0, 0), average_wage=BEIJING_2024)
    assert above.amount < below.amount


def test_severance_unlawful_dismissal_is_double():
    result = severance(8000, ServicePeriod(3, 6, 0), unlawful=True)
    assert result.amount == Decimal("64000.00") and result.multiplier == 2
    assert {"law": "中华人民共和国劳动合同法", "article": "第八十七条"} in result.citations
    assert result.formula.startswith("违法解除赔偿金（2N）")


def test_severance_minimum_wage_floor():
    result = severance(2000, ServicePeriod(1, 0, 0), minimum_wage=MINIMUM)
    assert result.amount == Decimal("2420.00")
    assert "最低工资" in result.cap_note


def test_severance_without_average_says_the_cap_was_not_checked():
    result = severance(8000, ServicePeriod(1, 0, 0))
    assert any("未核对三倍封顶" in note for note in result.notes)


def test_severance_rounds_to_cents():
    assert severance("3333.333", ServicePeriod(0, 3, 0)).amount == Decimal("1666.67")


# --------------------------------------------------------------------------- overtime


def test_overtime_rates():
    result = overtime(8700, workday_hours=10, rest_day_hours=8, holiday_hours=8)  # 8700/21.75/8 = 50
    assert result.hourly_wage == Decimal("50.00")
    assert result.breakdown == {
        "工作日延长工作时间": Decimal("750.00"),
        "休息日工作且未补休": Decimal("800.00"),
        "法定休假日工作": Decimal("1200.00"),
    }
    assert result.amount == Decimal("2750.00")
    assert "21.75" in result.formula


def test_overtime_rounds_only_the_total():
    # 6000/21.75/8 = 34.4827…; × 1.5 × 3 = 155.172…
    assert overtime(6000, workday_hours=3).amount == Decimal("155.17")


def test_overtime_divisor_is_data():
    result = overtime(8268, workday_hours=10, pay_days=PAY_DAYS_20_67)  # 8268/20.67/8 = 50
    assert result.amount == Decimal("750.00")
    assert result.figures_used == [PAY_DAYS_20_67.describe()]


def test_overtime_rejects_negative_hours():
    with pytest.raises(ValueError):
        overtime(8000, workday_hours=-1)


# --------------------------------------------------------------------------- double wage


def test_double_wage_eleven_month_cap():
    result = double_wage(6000, employment_start=date(2024, 1, 1), last_day=date(2025, 3, 1))
    assert (result.period_start, result.period_end) == (date(2024, 2, 1), date(2024, 12, 31))
    assert result.months == Decimal(11) and result.amount == Decimal("66000.00")
    assert "无固定期限" in result.cap_note


@pytest.mark.parametrize("signed_on", [date(2024, 1, 20), date(2024, 2, 1)])
def test_double_wage_first_month_excluded(signed_on):
    result = double_wage(6000, employment_start=date(2024, 1, 1), signed_on=signed_on, last_day=date(2024, 12, 1))
    assert result.amount == Decimal("0.00") and result.period_start is None


def test_double_wage_starts_the_day_after_the_first_month():
    result = double_wage(
        6000, employment_start=date(2024, 1, 1), signed_on=date(2024, 2, 2), last_day=date(2024, 12, 1)
    )
    assert result.period_start == result.period_end == date(2024, 2, 1)
    assert result.amount == Decimal("200.00")  # one day: 6000 / 30


def test_double_wage_until_signing():
    result = double_wage(
        6000, employment_start=date(2024, 1, 1), signed_on=date(2024, 5, 1), last_day=date(2024, 12, 1)
    )
    assert result.months == Decimal(3) and result.amount == Decimal("18000.00") and result.cap_note is None


def test_double_wage_until_leaving_with_partial_month():
    result = double_wage(6000, employment_start=date(2024, 1, 1), last_day=date(2024, 3, 9))
    # 2024-02-01 .. 2024-02-29 is one month, 2024-03-01 .. 03-09 nine days: 1 + 9/30 = 1.3 months
    assert result.months == Decimal("1.3") and result.amount == Decimal("7800.00")


# --------------------------------------------------------------------------- annual leave


@pytest.mark.parametrize(
    "service, days",
    [
        (ServicePeriod(0, 11, 29), 0),
        (ServicePeriod(1, 0, 0), 5),
        (ServicePeriod(9, 11, 29), 5),
        (ServicePeriod(10, 0, 0), 10),
        (ServicePeriod(19, 11, 29), 10),
        (ServicePeriod(20, 0, 0), 15),
        (ServicePeriod(35, 0, 0), 15),
    ],
)
def test_annual_leave_entitlement_boundaries(service, days):
    assert full_year_days(service) == days
    assert annual_leave(cumulative_service=service, year=2024).entitled_days == days


def test_annual_leave_full_year_pay():
    result = annual_leave(cumulative_service=ServicePeriod(5, 0, 0), year=2024, monthly_wage=8700)
    assert (result.entitled_days, result.untaken_days, result.daily_wage) == (5, 5, Decimal("400.00"))
    assert result.amount == Decimal("4000.00")  # 5 × 400 × 200 %


def test_annual_leave_pro_rata_in_year_of_joining():
    result = annual_leave(cumulative_service=ServicePeriod(5, 0, 0), year=2025, joined_on=date(2025, 7, 1))
    assert result.entitled_days == 2  # 184 / 365 × 5 = 2.52
    assert {"law": "企业职工带薪年休假实施办法", "article": "第五条"} in result.citations


def test_annual_leave_pro_rata_exact_whole_day():
    result = annual_leave(cumulative_service=ServicePeriod(3, 0, 0), year=2025, joined_on=date(2025, 10, 20))
    assert result.entitled_days == 1  # 73 / 365 × 5 = 1.0


def test_annual_leave_pro_rata_in_year_of_leaving_with_days_taken():
    result = annual_leave(
        cumulative_service=ServicePeriod(12, 0, 0),
        year=2025,
        left_on=date(2025, 6, 30),
        days_taken=1,
        monthly_wage=8700,
    )
    # 181 / 365 × 10 = 4.96 -> 4; minus 1 taken = 3; 3 × 400 × 200 % = 2400
    assert (result.entitled_days, result.untaken_days, result.amount) == (4, 3, Decimal("2400.00"))
    assert {"law": "企业职工带薪年休假实施办法", "article": "第十二条"} in result.citations


def test_annual_leave_more_taken_than_owed():
    result = annual_leave(cumulative_service=ServicePeriod(2, 0, 0), year=2025, days_taken=7, monthly_wage=5000)
    assert result.untaken_days == 0 and result.amount == Decimal("0.00")


# --------------------------------------------------------------------------- arbitration time limit

TODAY = date(2025, 5, 20)


def test_arbitration_deadline_days_remaining():
    result = arbitration_deadline(today=TODAY, knew_on=date(2024, 6, 1))
    assert (result.deadline, result.days_remaining, result.expired) == (date(2025, 6, 1), 12, False)


def test_arbitration_deadline_expired():
    result = arbitration_deadline(today=TODAY, knew_on=date(2024, 3, 1))
    assert (result.deadline, result.days_remaining, result.expired) == (date(2025, 3, 1), -80, True)
    assert "已超过80天" in result.formula


def test_arbitration_deadline_last_day_is_today():
    result = arbitration_deadline(today=TODAY, knew_on=date(2024, 5, 20))
    assert (result.days_remaining, result.expired) == (0, False)


def test_arbitration_deadline_from_leap_day():
    assert arbitration_deadline(today=TODAY, knew_on=date(2024, 2, 29)).deadline == date(2025, 2, 28)


def test_arbitration_wage_arrears_while_employed_has_no_deadline():
    result = arbitration_deadline(today=TODAY, wage_arrears_while_employed=True)
    assert result.deadline is None and result.days_remaining is None and not result.expired


def test_arbitration_wage_arrears_run_from_end_of_employment():
    result = arbitration_deadline(
        today=TODAY, wage_arrears_while_employed=True, employment_ended_on=date(2025, 1, 10), knew_on=date(2023, 1, 1)
    )
    assert (result.deadline, result.days_remaining) == (date(2026, 1, 10), 235)


def test_arbitration_requires_a_start_date():
    with pytest.raises(ValueError):
        arbitration_deadline(today=TODAY)


# --------------------------------------------------------------------------- local figures

FIGURES_YML = """
national:
  monthly_pay_days:
    label: 月计薪天数
    unit: 天
    entries:
      - {value: "21.75", year: 2008, applies_from: 2008-01-01, source: 通知}
cities:
  测试市:
    average_monthly_wage:
      label: 测试市职工月平均工资
      unit: 元/月
      entries:
        - {value: "9000", year: 2023, applies_from: 2024-07-01, source: 甲, verify: true}
        - {value: "10000", year: 2024, applies_from: 2025-07-01, source: 乙}
"""


def test_local_figure_picks_the_one_in_force(tmp_path):
    path = tmp_path / "figures.yml"
    path.write_text(FIGURES_YML, encoding="utf-8")
    assert local_figure("测试市", "average_monthly_wage", date(2025, 6, 30), path).year == 2023
    latest = local_figure("测试市", "average_monthly_wage", date(2025, 7, 1), path)
    assert (latest.value, latest.year, latest.verify) == (Decimal("10000"), 2024, False)
    assert local_figure("测试市", "average_monthly_wage", date(2024, 1, 1), path) is None
    assert local_figure("别的市", "average_monthly_wage", date(2025, 7, 1), path) is None
    assert monthly_pay_days(date(2025, 1, 1), path).value == Decimal("21.75")


def test_figure_description_names_year_source_and_verification(tmp_path):
    path = tmp_path / "figures.yml"
    path.write_text(FIGURES_YML, encoding="utf-8")
    text = local_figure("测试市", "average_monthly_wage", date(2025, 1, 1), path).describe()
    assert "9000元/月" in text and "2023年" in text and "来源：甲" in text and "核实" in text


def test_shipped_figures_are_complete():
    data = _load(DEFAULT_PATH)
    sections = [data["national"]["monthly_pay_days"]]
    sections += [s for city in data["cities"].values() for s in city.values()]
    for section in sections:
        assert section["label"] and section["unit"]
        for entry in section["entries"]:
            assert Decimal(str(entry["value"])) > 0 and entry["source"] and isinstance(entry["applies_from"], date)
    beijing = local_figure("北京", "average_monthly_wage", date(2026, 1, 1))
    assert beijing is not None and beijing.value > 5000
    assert local_figure("北京", "minimum_monthly_wage", date(2026, 1, 1)) is not None
    assert monthly_pay_days(date(2026, 1, 1)).value == Decimal("21.75")


# --------------------------------------------------------------------------- citations vs. the statute corpus


def _corpus_dir() -> Path:
    from api.core.settings import Settings

    return Settings().corpus_dir


def _all_citations():
    results = [
        severance(40000, ServicePeriod(15, 0, 0), average_wage=BEIJING_2024, minimum_wage=MINIMUM, unlawful=True),
        severance(1000, ServicePeriod(1, 0, 0), minimum_wage=MINIMUM),
        overtime(8000, workday_hours=1),
        double_wage(6000, employment_start=date(2024, 1, 1), last_day=date(2025, 1, 1)),
        annual_leave(
            cumulative_service=ServicePeriod(5, 0, 0),
            year=2025,
            joined_on=date(2025, 2, 1),
            left_on=date(2025, 9, 1),
            monthly_wage=8000,
        ),
        arbitration_deadline(today=TODAY, knew_on=date(2025, 1, 1)),
    ]
    return {(c["law"], c["article"]) for r in results for c in r.citations}


def test_every_citation_exists_in_the_corpus():
    corpus = _corpus_dir()
    titles = {}
    for path in corpus.rglob("*.md"):
        text = path.read_text(encoding="utf-8")
        titles.setdefault(text.splitlines()[0].removeprefix("# ").strip(), text)
    for law, article in sorted(_all_citations()):
        assert law in titles, f"{law} not in corpus"
        lines = [line.removeprefix("## ") for line in titles[law].splitlines()]
        assert any(line.startswith(article) for line in lines), f"{law} {article} not in corpus"


# --------------------------------------------------------------------------- properties

SERVICE_DAYS = st.integers(min_value=0, max_value=40 * 366)
WAGES = st.decimals(min_value=0, max_value=200000, places=2)
START = date(2000, 1, 1)


@settings(max_examples=150, deadline=None)
@given(wage=WAGES, days_a=SERVICE_DAYS, days_b=SERVICE_DAYS, unlawful=st.booleans())
def test_severance_monotonic_in_tenure_with_caps_respected(wage, days_a, days_b, unlawful):
    short, long_ = sorted((days_a, days_b))
    results = [
        severance(
            wage,
            ServicePeriod.from_dates(START, START + timedelta(days=d)),
            average_wage=BEIJING_2024,
            unlawful=unlawful,
        )
        for d in (short, long_)
    ]
    assert results[0].amount <= results[1].amount
    ceiling = BEIJING_2024.value * 3
    for result in results:
        assert result.base_wage <= max(wage, ceiling)
        if wage > ceiling:
            assert result.base_wage == ceiling and result.months_of_pay <= 12
            assert result.amount <= ceiling * 12 * result.multiplier


@settings(max_examples=150, deadline=None)
@given(wage_a=WAGES, wage_b=WAGES, days=st.integers(min_value=0, max_value=12 * 365))
def test_severance_monotonic_in_wage_within_twelve_years(wage_a, wage_b, days):
    service = ServicePeriod.from_dates(START, START + timedelta(days=days))
    low, high = sorted((wage_a, wage_b))
    n = [severance(w, service, average_wage=BEIJING_2024) for w in (low, high)]
    assert n[0].amount <= n[1].amount
    assert severance(high, service, average_wage=BEIJING_2024, unlawful=True).amount == 2 * n[1].amount


@settings(max_examples=100, deadline=None)
@given(wage=WAGES, start_offset=st.integers(0, 3000), span_a=st.integers(0, 800), span_b=st.integers(0, 800))
def test_double_wage_capped_and_monotonic(wage, start_offset, span_a, span_b):
    start = START + timedelta(days=start_offset)
    results = [
        double_wage(wage, employment_start=start, last_day=start + timedelta(days=s)) for s in sorted((span_a, span_b))
    ]
    assert results[0].amount <= results[1].amount
    for result in results:
        assert result.months <= 11 and result.amount <= round(wage * 11, 2)


@settings(max_examples=100, deadline=None)
@given(years_a=st.integers(0, 45), years_b=st.integers(0, 45), joined=st.integers(0, 364))
def test_annual_leave_monotonic_and_bounded(years_a, years_b, joined):
    joined_on = date(2025, 1, 1) + timedelta(days=joined)
    low, high = sorted((years_a, years_b))
    results = [
        annual_leave(cumulative_service=ServicePeriod(y, 0, 0), year=2025, joined_on=joined_on) for y in (low, high)
    ]
    assert results[0].entitled_days <= results[1].entitled_days
    for result in results:
        assert 0 <= result.entitled_days <= result.full_year_days <= 15


@settings(max_examples=100, deadline=None)
@given(wage=WAGES, hours=st.decimals(min_value=0, max_value=200, places=1))
def test_overtime_rate_order(wage, hours):
    amounts = [overtime(wage, **{kind: hours}).amount for kind in ("workday_hours", "rest_day_hours", "holiday_hours")]
    assert amounts[0] <= amounts[1] <= amounts[2]


@settings(max_examples=100, deadline=None)
@given(knew=st.integers(0, 5000), today=st.integers(0, 5000))
def test_arbitration_days_remaining_consistent(knew, today):
    knew_on, today_date = START + timedelta(days=knew), START + timedelta(days=today)
    result = arbitration_deadline(today=today_date, knew_on=knew_on)
    assert result.deadline - today_date == timedelta(days=result.days_remaining)
    assert 365 <= (result.deadline - knew_on).days <= 366
    assert result.expired == (today_date > result.deadline)


@pytest.mark.parametrize(
    "track,born,age,reached",
    [
        (MEN, (1964, 12), (60, 0), date(2024, 12, 1)),  # before the rise: the former age
        (MEN, (1965, 1), (60, 1), date(2025, 2, 1)),  # the first month of the rise
        (MEN, (1965, 4), (60, 1), date(2025, 5, 1)),  # four birth months share a month of delay
        (MEN, (1965, 5), (60, 2), date(2025, 7, 1)),
        (MEN, (1976, 8), (62, 11), date(2039, 7, 1)),
        (MEN, (1976, 9), (63, 0), date(2039, 9, 1)),  # the final age
        (MEN, (1990, 3), (63, 0), date(2053, 3, 1)),
        (WOMEN_55, (1970, 1), (55, 1), date(2025, 2, 1)),
        (WOMEN_55, (1981, 9), (58, 0), date(2039, 9, 1)),
        (WOMEN_50, (1974, 12), (50, 0), date(2024, 12, 1)),
        (WOMEN_50, (1975, 2), (50, 1), date(2025, 3, 1)),  # two birth months share a month of delay
        (WOMEN_50, (1975, 3), (50, 2), date(2025, 5, 1)),
        (WOMEN_50, (1984, 10), (54, 11), date(2039, 9, 1)),
        (WOMEN_50, (1984, 11), (55, 0), date(2039, 11, 1)),
    ],
)
def test_retirement_age_rises_a_month_per_group_of_birth_months(track, born, age, reached):
    result = retirement_age(track, *born)
    assert (result.years, result.months) == age and result.month_reached == reached


def test_retirement_age_refuses_a_month_that_does_not_exist():
    with pytest.raises(ValueError):
        retirement_age(MEN, 1970, 13)


@pytest.mark.parametrize(
    "year,months", [(2025, 180), (2029, 180), (2030, 186), (2031, 192), (2038, 234), (2039, 240), (2050, 240)]
)
def test_minimum_contribution_rises_six_months_a_year_from_2030(year, months):
    assert minimum_contribution_months(year) == months
