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
