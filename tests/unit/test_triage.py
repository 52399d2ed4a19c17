"""Triage on the real rules.yml: risk detection on the labelled risk set, escalation logic, the table loader."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from api.triage import triage  # noqa: E402
from api.triage.table import TABLE_PATH, TableError, load_table, parse_table  # noqa: E402
from bench.triage import evaluate, load_cases  # noqa: E402


def risks_of(text: str, **kwargs) -> set[str]:
    args = dict(intent="labor_contract") | kwargs
    return {r.removeprefix("risk:") for r in triage(text, **args).reasons if r.startswith("risk:")}


def test_case_file_has_enough_cases_per_risk():
    cases = load_cases()
    names = {risk.name for risk in load_table().risks}
    for name in names:
        assert sum(name in c["risks"] for c in cases) >= 15, name
    assert sum(not c["risks"] for c in cases) >= 80
    assert all(set(c["risks"]) <= names for c in cases)


def test_tuned_splits_recall_per_risk_and_precision():
    scores, overall, errors = evaluate(load_cases("dev") + load_cases("dev2") + load_cases("dev4"))
    for name, score in scores.items():
        assert score.recall >= 0.9, (name, score, errors)
    assert overall.precision >= 0.95, errors


def test_blind_split_does_not_regress():
    # Blind phrasings never tuned on; thresholds are just under the values measured once (README).
    cases = load_cases("blind2")
    assert len(cases) >= 100
    scores, overall, errors = evaluate(cases)
    assert overall.precision >= 0.95, errors
    assert overall.recall >= 0.87, errors
    for name, score in scores.items():
        assert score.recall >= 0.65, (name, score, errors)


@pytest.mark.parametrize(
    "text",
    [
        "跳槽",
        "工伤认定需要多久",
        "公司堵车迟到扣钱",
        "我想不开发票",
        "砍价",
        "杀毒软件",
        "死工资",
        "累死了加班太多",
        "孕期能请假吗",
        "上个月摔伤现在想报工伤",
        "几个同事都没签合同",
        "我不会想不开的",
        "公司能辞退怀孕的员工吗",
        "打死我也不签",
        "工资被砍了一半",
        "我想不开这个证明",
        "孩子十岁了我请假带他看病要扣工资吗",
        "我是十四号入职的",
        "我有了offer要离职",
    ],
)
def test_must_not_flag(text):
    result = triage(text, intent="labor_contract")
    assert not result.escalate and result.priority is None and result.reasons == []
    assert result.emergency_notice is None


@pytest.mark.parametrize(
    "text,risk",
    [
        ("想不开", "self_harm"),
        ("不想活了", "self_harm"),
        ("喝农药", "self_harm"),
        ("拿刀砍他", "violence"),
        ("弄死他", "violence"),
        ("几十个工友一起去堵门", "group_incident"),
        ("拉横幅", "group_incident"),
        ("围了公司", "group_incident"),
        ("脚手架要塌", "physical_danger"),
        ("有毒气体", "physical_danger"),
        ("还在流血", "serious_injury"),
        ("手指断了", "serious_injury"),
        ("被机器卷进去", "serious_injury"),
        ("童工", "minor"),
        ("15岁在厂里上班", "minor"),
        ("怀孕被辞退", "pregnancy_dismissal"),
        ("哺乳期开除", "pregnancy_dismissal"),
        ("包工头欠了三十多个人工钱", "mass_wage_arrears"),
    ],
)
def test_brief_phrasings_are_flagged(text, risk):
    assert risk in risks_of(text)


def test_crisis_gets_urgent_priority_and_emergency_numbers():
    result = triage("活不下去了想跳楼", intent="wage_arrears")
    assert result.escalate and result.priority == "urgent"
    assert result.reasons == ["risk:self_harm"]
    for number in ("110", "120", "119", "12351", "12356", "010-82951332"):
        assert number in result.emergency_notice
    assert result.evidence["risk:self_harm"]


def test_high_risk_has_no_emergency_notice():
    result = triage("我怀孕了公司把我开除了", intent="women_protection")
    assert (result.priority, result.reasons, result.emergency_notice) == ("high", ["risk:pregnancy_dismissal"], None)


def test_priority_is_the_most_urgent_reason_and_reasons_are_ordered():
    result = triage("几十个工友一起堵门 包工头拿着钢管来打我们", intent="wage_arrears", user_requested=True)
    assert result.priority == "urgent"
    assert result.reasons[0] == "risk:violence"
    assert set(result.reasons) == {"risk:violence", "risk:group_incident", "user_request"}
    assert result.reasons.index("risk:group_incident") < result.reasons.index("user_request")


def test_headcount_entity_counts_many_workers():
    text = "老板拖欠我们工资三个月了"
    assert "mass_wage_arrears" not in risks_of(text)
    assert "mass_wage_arrears" in risks_of(text, entities=[{"entity": "headcount", "value": 25}])
    assert "mass_wage_arrears" in risks_of(text, entities=[{"entity": "headcount", "value": "三十多"}])
    assert "mass_wage_arrears" not in risks_of(text, entities=[{"entity": "headcount", "value": 4}])


def test_only_risks_and_requests_open_cases():
    """An unsure answer is not a case (it is offered, and staff see it); a request for a person is."""
    plain = "加班费怎么算"
    assert triage(plain, intent="overtime_hours") == triage("今天天气怎么样", intent="out_of_scope")
    assert not triage(plain, intent="overtime_hours").escalate
    asked = triage("我要找律师", intent="request_human")
    assert (asked.priority, asked.reasons) == ("normal", ["user_request"])
    assert triage(plain, intent="overtime_hours", user_requested=True).reasons == ["user_request"]
    crisis = triage("我不想活了", intent="out_of_scope")  # a risk is caught whatever the intent
    assert crisis.priority == "urgent" and crisis.reasons == ["risk:self_harm"]


def test_messy_text_is_normalised():
    assert "self_harm" in risks_of("我 真的 不想 活 了！！！")
    assert "mass_wage_arrears" in risks_of("我们３０多个工人的工资被拖欠")  # full-width digits


def test_table_errors_name_the_entry():
    raw = yaml.safe_load(TABLE_PATH.read_text(encoding="utf-8"))
    raw["risks"]["minor"]["priority"] = "critical"
    with pytest.raises(TableError, match="risks.minor"):
        parse_table(raw)
    raw = yaml.safe_load(TABLE_PATH.read_text(encoding="utf-8"))
    raw["risks"]["violence"]["rules"][0]["any"].append("{no_such_fragment}")
    with pytest.raises(TableError, match="no_such_fragment"):
        parse_table(raw)
    raw = yaml.safe_load(TABLE_PATH.read_text(encoding="utf-8"))
    raw["risks"]["violence"]["rules"][0]["any"].append("(unclosed")
    with pytest.raises(TableError, match="bad pattern"):
        parse_table(raw)
    raw = yaml.safe_load(TABLE_PATH.read_text(encoding="utf-8"))
    raw["risks"]["serious_injury"]["rules"][0]["any"].append("ICU")
    with pytest.raises(TableError, match="lower case"):
        parse_table(raw)


@pytest.mark.parametrize(
    ("text", "count"), [("三四十", 30), ("四五十", 40), ("十五六", 15), ("二三十", 20), ("一百", 100)]
)
def test_number_ranges_keep_their_lower_end_and_unit(text, count):
    from api.triage.numbers import parse_count

    assert parse_count(text) == count


def test_urgent_means_danger_now_or_a_group_action_planned():
    planned = triage("包工头欠了我们三十多个工友半年工钱 大家说明天一起去堵公司大门", intent="wage_arrears")
    assert planned.priority == "urgent" and "risk:group_incident" in planned.reasons
    past_action = triage("去年我们二十多个工友堵过公司大门讨薪 现在还能要吗", intent="wage_arrears")
    assert past_action.priority != "urgent"
    past_injury = triage("去年在厂里大拇指被冲床压断了 现在能评几级伤残", intent="work_injury")
    assert past_injury.priority in (None, "high")
