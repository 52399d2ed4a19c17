"""Colloquial Chinese quantities, dates, headcounts and disability grades: values and exact offsets."""

from datetime import date
from decimal import Decimal
from fractions import Fraction

import pytest

from nlu.zh_parse import (
    Duration,
    Headcount,
    find_entities,
    parse_date,
    parse_duration,
    parse_headcount,
    parse_money,
    parse_number,
)

TODAY = date(2025, 5, 20)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("8千", "8000"),
        ("八千块", "8000"),
        ("8,000元", "8000"),
        ("2万5", "25000"),
        ("1.2万", "12000"),
        ("五千多", "5000"),
        ("月薪6500", "6500"),
        ("三千五", "3500"),
        ("一万二", "12000"),
        ("两万五千块钱", "25000"),
        ("一万零五百元", "10500"),
        ("８０００元", "8000"),
        ("８千", "8000"),
        ("8k", "8000"),
        ("1.5w", "15000"),
        ("廿万", "200000"),
        ("三四千块", "3000"),
        ("十几万", "100000"),
        ("壹仟贰佰元", "1200"),
        ("3千5", "3500"),
        ("6500", "6500"),
        ("工资是7200", "7200"),
        ("老板欠了我一万三", "13000"),
        ("一个月三千二", "3200"),
        ("每个月到手4,500.50元", "4500.5"),
        ("两千来块", "2000"),
    ],
)
def test_parse_money(text, expected):
    assert parse_money(text) == Decimal(expected)


@pytest.mark.parametrize("text", ["千万别签字", "干了三年", "我们有两万多人", "百分之一百五十", "你好", "2023年入职"])
def test_parse_money_rejects_non_money(text):
    assert parse_money(text) is None


def test_month_count_after_amount_is_not_read_as_digit():
    # "三千一个月" is 3000 a month, not 3100
    assert parse_money("三千一个月") == Decimal("3000")
    assert parse_money("三千一") == Decimal("3100")


@pytest.mark.parametrize(
    "text, expected",
    [
        ("三千五百", "3500"),
        ("一百零五", "105"),
        ("十二", "12"),
        ("二十", "20"),
        ("两百五", "250"),
        ("二〇二三", "2023"),
        ("十万八千", "108000"),
        ("３.５万", "35000"),
        ("一亿二千万", "120000000"),
    ],
)
def test_parse_number(text, expected):
    assert parse_number(text) == Decimal(expected)


@pytest.mark.parametrize(
    "text, years, months, days, approximate",
    [
        ("三年半", 3, 6, 0, False),
        ("两年零三个月", 2, 3, 0, False),
        ("5个月29天", 0, 5, 29, False),
        ("一年多", 1, 0, 0, True),
        ("十二年", 12, 0, 0, False),
        ("18个月", 0, 18, 0, False),
        ("半年", 0, 6, 0, False),
        ("两个半月", 0, 2, 15, False),
        ("干了十多年了", 10, 0, 0, True),
        ("一年三个多月", 1, 3, 0, True),
        ("俩月", 0, 2, 0, False),
        ("两个星期", 0, 0, 14, False),
        ("1.5年", 1, 6, 0, False),
        ("廿年", 20, 0, 0, False),
        ("三年又两个月零五天", 3, 2, 5, False),
    ],
)
def test_parse_duration(text, years, months, days, approximate):
    assert parse_duration(text) == Duration(years, months, days, approximate=approximate)


def test_duration_months_and_iso():
    assert parse_duration("三年半").total_months == 42
    assert parse_duration("5个月29天").total_months == Fraction(5 * 30 + 29, 30)
    assert parse_duration("三年半").iso == "P3Y6M"
    assert parse_duration("加班20个小时").iso == "PT20H"
    assert parse_duration("一个半小时").hours == Decimal("1.5")


@pytest.mark.parametrize("text", ["2023年", "二〇二三年", "去年", "80年代", "第一年没签合同"])
def test_calendar_years_are_not_durations(text):
    assert parse_duration(text) is None


@pytest.mark.parametrize(
    "text, expected",
    [
        ("去年三月", date(2024, 3, 1)),
        ("2023年6月", date(2023, 6, 1)),
        ("2023-06-15", date(2023, 6, 15)),
        ("2023/6/15", date(2023, 6, 15)),
        ("２０２３年６月１５日", date(2023, 6, 15)),
        ("二〇二三年六月十五日", date(2023, 6, 15)),
        ("6月15号", date(2024, 6, 15)),  # later this year than today: last year's
        ("3月2号", date(2025, 3, 2)),
        ("上个月", date(2025, 4, 1)),
        ("上个月15号", date(2025, 4, 15)),
        ("前年", date(2023, 1, 1)),
        ("去年年底", date(2024, 12, 31)),
        ("去年底", date(2024, 12, 31)),
        ("三年前", date(2022, 5, 20)),
        ("半年前", date(2024, 11, 20)),
        ("昨天", date(2025, 5, 19)),
        ("23年6月入职", date(2023, 6, 1)),
        ("十二月份", date(2024, 12, 1)),
        ("今年2月底", date(2025, 2, 28)),
    ],
)
def test_parse_date(text, expected):
    assert parse_date(text, TODAY) == expected


@pytest.mark.parametrize("text", ["十三月", "2023年2月30日", "干了三个月", "没有日期"])
def test_parse_date_rejects(text):
    assert parse_date(text, TODAY) is None


@pytest.mark.parametrize(
    "text, count, qualifier, normalised",
    [
        ("三十多个工友", 30, "more", "30+"),
        ("18个人", 18, "", "18"),
        ("二十来号人", 20, "about", "~20"),
        ("俩人", 2, "", "2"),
        ("十几个同事", 10, "more", "10+"),
        ("两三个人", 2, "more", "2+"),
        ("一百二十名职工", 120, "", "120"),
    ],
)
def test_parse_headcount(text, count, qualifier, normalised):
    found = parse_headcount(text)
    assert found == Headcount(count, qualifier)
    assert found.normalised == normalised


def _spans(text, today=TODAY):
    return [(e["entity"], text[e["start"] : e["end"]], e["value"]) for e in find_entities(text, today)]


def test_find_entities_offsets_in_a_long_message():
    text = "我2023年6月入职，月薪8千，干了两年零三个月被辞退了，车间三十多个工友都没签合同，评了个九级伤残"
    assert _spans(text) == [
        ("date", "2023年6月", "2023-06-01"),
        ("money", "8千", "8000"),
        ("duration", "两年零三个月", "P2Y3M"),
        ("headcount", "三十多个工友", "30+"),
        ("disability_grade", "九级伤残", "9"),
    ]


def test_find_entities_offsets_with_full_width_digits():
    text = "欠我８，０００元？不，是８千块，从２０２４年３月开始"
    entities = find_entities(text, TODAY)
    assert [(text[e["start"] : e["end"]], e["value"]) for e in entities] == [
        ("８千块", "8000"),
        ("２０２４年３月", "2024-03-01"),
    ]
    assert entities[0]["start"] == text.index("８千块")


def test_find_entities_dict_shape():
    [entity] = find_entities("工资五千多", TODAY)
    assert entity == {"entity": "money", "value": "5000", "start": 2, "end": 5}


def test_find_entities_mixed_colloquial():
    text = "去年三月到今年二月，一共干了十一个月，每个月三千五，加班费一分没给"
    assert _spans(text) == [
        ("date", "去年三月", "2024-03-01"),
        ("date", "今年二月", "2025-02-01"),
        ("duration", "十一个月", "P11M"),
        ("money", "三千五", "3500"),
    ]


@pytest.mark.parametrize(
    "text,span,grade",
    [
        ("煤矿上受的伤 8级残废怎么赔", "8级残废", "8"),
        ("评了个六级残废", "六级残废", "6"),
        ("我是工伤十级 能拿到五万吗", "十级", "10"),
        ("眼睛视力工伤为七级 单位该给多少", "七级", "7"),
        ("伤残等级为八级怎么算", "八级", "8"),
    ],
)
def test_a_disability_grade_in_the_blunt_word_workers_use(text, span, grade):
    assert ("disability_grade", span, grade) in _spans(text)
