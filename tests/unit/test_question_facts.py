"""The sentence that applies a worker's own facts to a card's rule, and the article it rests on: each grade
group of 工伤保险条例 (35: 1-4, 36: 5-6, 37: 7-10) says what that article says, and an illegal employer's
grades follow the multiples of the compensation rules, not the insurance fund's months."""

from datetime import date

import pytest

from knowledge_base.cards import PREMISES
from knowledge_base.facts import (
    analyse,
    apply,
    contradicts,
    decides,
    grounds,
    speaks_of_other_grades,
    time_limit_passed,
)


@pytest.mark.parametrize(
    "question,says,never,article",
    [
        ("工伤鉴定三级 能拿多少", ["23个月", "工伤保险基金按月发伤残津贴", "80%"], ["就业补助金"], 35),
        ("评了五级伤残 月薪5000", ["18个月", "90000", "单位安排适当工作", "70%", "本人提出解除"], ["合同期满"], 36),
        ("公伤评了十级 月工资六千", ["7个月", "42000", "合同期满终止", "就业补助金", "北京市规定"], ["伤残津贴"], 37),
    ],
)
def test_a_grade_gets_what_its_article_gives(question, says, never, article):
    facts = analyse(question)
    sentence = apply("disability_grade", facts)
    assert all(part in sentence for part in says), sentence
    assert not any(part in sentence for part in never), sentence
    others = {("工伤保险条例", n) for n in (35, 36, 37)} - {("工伤保险条例", article)}
    assert grounds("disability_grade", facts) == ([("工伤保险条例", article)], others)


def test_an_illegal_employer_pays_multiples_of_the_average_annual_wage():
    facts = analyse("没营业执照的作坊里干活受伤 评了八级")
    sentence = apply("illegal_employer_grade", facts)
    assert "八级" in sentence and "年平均工资的3倍" in sentence and "个月的本人工资" not in sentence
    assert grounds("illegal_employer_grade", facts) == ([("非法用工伤亡一次性赔偿指引", 5)], set())


def test_without_a_grade_nothing_is_applied_or_cited_first():
    facts = analyse("工伤了能拿什么待遇")
    assert apply("disability_grade", facts) is None and grounds("disability_grade", facts) == ([], set())


@pytest.mark.parametrize(
    "question,wage",
    [("月薪六千 评了十级", 6000), ("工资是4500元", 4500), ("工伤十级 能拿到五万吗", None), ("欠我两万块钱工钱", None)],
)
def test_only_an_amount_stated_as_the_wage_is_taken_for_the_wage(question, wage):
    assert analyse(question).monthly_wage == wage


def test_a_stated_grade_decides_the_card_only_for_a_question_about_what_it_brings():
    facts = analyse("工伤八级怎么赔偿")
    assert decides("disability_grade", facts, "工伤八级怎么赔偿")
    assert not decides("disability_grade", facts, "工伤八级能办残疾证吗")
    assert not decides("severance", facts, "工伤八级怎么赔偿")
    assert not decides("disability_grade", analyse("工伤怎么赔偿"), "工伤怎么赔偿")


@pytest.mark.parametrize(
    "card_text,other",
    [
        ("五、六级保留劳动关系，由单位安排适当工作", True),
        ("一至四级保留劳动关系，退出工作岗位", True),
        ("五至十级伤残职工与单位解除劳动关系时才有", False),
        ("一级27个月……八级11个月、九级9个月、十级7个月", False),
        ("医疗费由工伤保险基金支付", False),
    ],
)
def test_a_card_about_other_grades_than_the_workers_is_recognised(card_text, other):
    assert speaks_of_other_grades(card_text, analyse("评了八级伤残")) is other


TODAY = date(2026, 12, 1)


@pytest.mark.parametrize(
    ("question", "said", "passed"),
    [
        ("我2022年5月30日被公司辞退了，一直没签合同能要二倍工资吗", "2022年5月30日", True),
        ("去年3月离职的，加班费还能要吗", "去年3月", True),
        ("上个月被辞退了，能拿补偿吗", "上个月", False),
        ("2019年入职，一直没签合同，现在还在干", "", False),  # a start date is not the end of the job
    ],
)
def test_the_end_of_the_job_is_read_and_a_year_past_it_is_out_of_time(question, said, passed):
    facts = analyse(question, TODAY)
    assert facts.left_on_said == said and time_limit_passed(facts, TODAY) is passed


@pytest.mark.parametrize(
    "question,ruled_out",
    [
        ("我今年67岁了在工地看大门，老板说不要我了", {"below_retirement_age"}),
        ("六十三岁保安被辞退有补偿吗", {"below_retirement_age"}),
        ("四十多岁下岗了社保怎么办", {"past_retirement_age"}),
        ("五十多岁了单位不给交社保", set()),  # 51-59: retirement age could be either side
        ("我58周岁女的，单位让我回家", set()),
        ("六十多岁还在干活受伤了算工伤吗", set()),  # 61-69: a man of 61 may not have reached his yet
        ("孩子3岁了我还能休育儿假吗", set()),  # the child's age, not the worker's
        ("我今年35岁，我爸68岁在工地干活被欠了工钱", set()),  # whose question it is: unclear
        ("单位拖欠工资三个月", set()),
    ],
)
def test_a_stated_age_rules_out_only_cards_for_people_it_cannot_be(question, ruled_out):
    facts = analyse(question)
    assert {p for p in PREMISES if contradicts(p, facts)} == ruled_out
    assert not contradicts(None, facts)


@pytest.mark.parametrize(
    "question,says,never",
    [
        # a month and a woman worker: one age, one month
        (
            "我1975年3月出生的女工人，厂里让我50岁退休",
            ["1975年3月出生", "原50岁退休的女职工的法定退休年龄是50岁2个月（2025年5月到龄）"],
            ["男职工", "55岁退休"],
        ),
        # a year only: the range over its months
        (
            "俺是七九年春天生的男的 到底几岁能退休",
            ["1979年出生", "男职工的法定退休年龄是63岁（2042年1月至2042年12月之间到龄）"],
            ["女职工"],
        ),
        (
            "老婆1982年的在纺织厂当挡车工 她几岁退",
            ["原50岁退休的女职工的法定退休年龄是53岁7个月到54岁（2035年8月至2036年12月之间到龄）"],
            ["男职工", "原55岁"],
        ),
        (
            "媳妇在纸箱厂干活 七六年的 今年五十了",
            ["1976年出生", "原50岁退休的女职工的法定退休年龄是50岁7个月到51岁（2026年8月至2027年12月之间到龄）"],
            ["男职工"],
        ),
        # a woman whose post is not said: both of women's former ages
        ("我是1972年出生的女的，啥时候退休", ["原55岁退休的女职工", "原50岁退休的女职工"], ["男职工"]),
        # nobody's sex said: every group
        (
            "1968年5月出生多大退休",
            [
                "男职工的法定退休年龄是60岁11个月（2029年4月到龄）",
                "原55岁退休的女职工的法定退休年龄是55岁（2023年5月到龄）",
                "原50岁退休的女职工的法定退休年龄是50岁（2018年5月到龄）",
            ],
            [],
        ),
    ],
)
def test_a_stated_birth_gives_the_retirement_age_of_each_group_it_may_be(question, says, never):
    facts = analyse(question, today=date(2026, 12, 1))
    sentence = apply("retirement_age", facts)
    assert all(part in sentence for part in says), sentence
    assert not any(part in sentence for part in never), sentence
    assert grounds("retirement_age", facts) == ([("退休年龄与社保公积金政策指南", 1)], set())


def test_a_stated_age_gives_the_two_birth_years_it_allows():
    facts = analyse("我今年51岁，在车间干活的女工，几岁能退休", today=date(2026, 12, 1))
    sentence = apply("retirement_age", facts)
    assert sentence.startswith("按您说的51岁（1974或1975年出生）推算"), sentence
    # born January 1974 (no rise yet: 50) to December 1975 (50 and 6 months)
    assert "50岁到50岁6个月" in sentence and "2024年1月至2026年6月之间到龄" in sentence, sentence


@pytest.mark.parametrize(
    "question",
    [
        "2022年5月被辞退的，能要补偿吗",
        "我在这干了15年的活",
        "干了十五年的 被辞退了",
        "我干了五六年生意",
        "1975年出生，1980年出生的两个人几岁退休",
        "几岁退休",
    ],
)
def test_no_birth_is_read_where_none_or_several_are_stated(question):
    facts = analyse(question, today=date(2026, 12, 1))
    assert facts.born is None and apply("retirement_age", facts) is None


def test_a_birth_decides_the_retirement_card_only_when_asked_when_they_retire():
    asked = "我75年的女工 延迟以后几岁退休"
    assert decides("retirement_age", analyse(asked), asked)
    other = "我75年的女工 养老金能拿多少"
    assert not decides("retirement_age", analyse(other), other)
    # a card about being made to retire says the age too, but asking when is answered by the card about when
    assert not decides("retirement_age_check", analyse(asked), asked)
    assert apply("retirement_age_check", analyse(asked)) == apply("retirement_age", analyse(asked))


def test_a_stated_wage_gives_the_overtime_rates_of_article_44():
    sentence = apply("overtime_pay", analyse("月薪5000 周末加班公司不给钱"))
    # 5000 ÷ 21.75 ÷ 8 ≈ 28.74 an hour; a rest day at 200 %: 5000 ÷ 21.75 × 2 ≈ 459.77
    assert "小时工资约28.74元" in sentence and "每小时至少约43.1元" in sentence, sentence
    assert "每天至少约459.77元" in sentence and "法定节假日每天至少约689.66元" in sentence, sentence
    assert apply("overtime_pay", analyse("周末加班不给钱")) is None


def test_a_stated_wage_gives_the_dependants_pensions_of_article_39():
    sentence = apply("death_benefit", analyse("我老公在工地出事走了 他一个月工资8000"))
    assert "配偶每月约3200元" in sentence and "每人每月约2400元" in sentence and "再加约800元" in sentence
    assert "合计不超过8000元" in sentence, sentence


def test_every_facts_kind_a_card_may_name_has_a_rule():
    from knowledge_base.cards import FACTS
    from knowledge_base.facts import _RULES

    assert set(FACTS) == set(_RULES)


@pytest.mark.parametrize(
    "question,says",
    [
        (
            "我1975年3月出生的女工人，养老保险要交多少年",
            ["原50岁退休的女职工2025年5月到龄，按月领养老金最低要缴满15年"],
        ),
        # reaching 63 in 2042: the minimum has reached its final 20 years
        ("俺是七九年生的男的 社保交够几年能领", ["男职工2042年1月至2042年12月之间到龄，按月领养老金最低要缴满20年"]),
        # a woman of the 55 group born in 1975 reaches 56 and 4-6 months in 2031-2032: 16 to 16 and a half years
        (
            "1975年出生的女会计 交几年社保能领养老金",
            ["原55岁退休的女职工2031年5月至2032年6月之间到龄，按月领养老金最低要缴满16年到16年6个月"],
        ),
    ],
)
def test_a_stated_birth_gives_the_minimum_contribution_of_the_year_they_retire(question, says):
    facts = analyse(question, today=date(2026, 12, 1))
    sentence = apply("pension_minimum_years", facts)
    assert all(part in sentence for part in says), sentence
    assert grounds("pension_minimum_years", facts) == ([("退休年龄与社保公积金政策指南", 6)], set())
    assert decides("pension_minimum_years", facts, question)


def test_annual_leave_for_the_years_worked_is_prorated_in_the_year_of_joining():
    """A worker who states how long they worked learns the full-year days and, because the year they joined
    counts only its remaining days (实施办法 第五条), not that every year brings those days."""
    facts = analyse("在公司干了1年半 没签合同 年假有几天")
    sentence = apply("annual_leave", facts)
    assert "全年应休5天" in sentence and "剩余的日历天数折算" in sentence and "每年可以休" not in sentence
    assert grounds("annual_leave", facts) == ([("职工带薪年休假条例", 3), ("企业职工带薪年休假实施办法", 5)], set())
    assert grounds("annual_leave", analyse("年假有几天")) == ([], set())
