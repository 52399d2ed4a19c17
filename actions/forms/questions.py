"""Every form slot: its question, the example shown when an answer is unusable, and its parser.

One table drives the `action_ask_<slot>` actions and the form validation, so a question and the way
its answer is read are defined together.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Dict, List, Tuple

import yaml

from actions.forms import answers
from actions.forms.answers import Answer

YES_NO = (("是", "/affirm"), ("否", "/deny"))
SHARED_TEXTS = yaml.safe_load((Path(__file__).parents[2] / "bot" / "shared_texts.yml").read_text("utf-8"))


@dataclass(frozen=True)
class Question:
    slot: str
    text: str
    example: str
    parse: Callable[[Answer], Any]
    buttons: Tuple[Tuple[str, str], ...] = ()
    deny_answers: bool = False  # "不是/没有" answers this question instead of leaving the form

    def button_dicts(self) -> List[Dict[str, str]]:
        return [{"title": title, "payload": payload} for title, payload in self.buttons]


QUESTIONS: Dict[str, Question] = {q.slot: q for q in (
    # handoff to a lawyer
    Question("handoff_description", SHARED_TEXTS["handoff_first_question"],
             "例如：在朝阳区一家饭店干了两年，老板拖欠了三个月工资。", answers.description),
    Question("district", "您在北京哪个区工作？不在北京请回复“外地”。",
             "例如：朝阳区、海淀区、通州；不在北京请回复“外地”。", answers.district),
    Question("phone_consent", "律师可能需要打电话了解情况。您是否同意留下手机号？号码只用于本次法律咨询联系。",
             "请回复“同意”或“不同意”。", answers.yes_no, (("同意", "/affirm"), ("不同意", "/deny")),
             deny_answers=True),
    Question("contact_phone", "请输入您的手机号。", "例如：13912345678（11位手机号）。", answers.phone),
    # feedback
    Question("feedback_score", "请打个分：1到5分，5分最满意。", "请回复1到5之间的数字，例如：4。",
             answers.feedback_score, tuple((str(n), str(n)) for n in range(1, 6))),
    # calculators
    Question("tenure", "您在这家单位工作了多长时间？", "例如：三年半、2年3个月、5个月29天，或入职日期“2019年3月入职”。",
             answers.service_period),
    Question("monthly_wage", "您的月工资是多少？（离职前12个月的平均工资，含奖金补贴，税前）",
             "例如：8000、8千、一万二。", answers.monthly_wage),
    Question("city", "您在哪个城市工作？", "例如：北京、天津、上海；不知道请回复“不知道”。", answers.city),
    Question("unlawful_dismissal",
             "单位解除劳动合同是否违法？比如没有正当理由直接辞退。违法解除按赔偿金（2N）计算，否则按经济补偿（N）计算。",
             "请回复“是”“否”或“不确定”。", answers.unlawful_dismissal,
             (("是，违法辞退", "/affirm"), ("不是", "/deny"), ("不确定", "不确定")), deny_answers=True),
    Question("workday_hours", "要计算的这段时间里，工作日下班后加班一共多少小时？没有请回复“没有”。",
             "例如：36小时、20、没有。", answers.hours, deny_answers=True),
    Question("rest_day_hours", "休息日（周末）加班、又没有补休的，一共多少小时？没有请回复“没有”。",
             "例如：16小时、2天、没有。", answers.hours, deny_answers=True),
    Question("holiday_hours", "法定节假日（如春节、国庆）加班一共多少小时？没有请回复“没有”。",
             "例如：8小时、1天、没有。", answers.hours, deny_answers=True),
    Question("employment_start", "您是哪天开始在这家单位上班的？", "例如：2024年3月1日、去年三月、干了8个月。",
             answers.employment_start),
    Question("contract_signed_on", "后来签了书面劳动合同吗？签了请告诉我签订日期，一直没签请回复“没签”。",
             "例如：2024年6月1日签的，或“没签”。", answers.contract_signed_on, deny_answers=True),
    Question("employment_end", "您现在还在这家单位上班吗？在职请回复“在职”，已离职请告诉我最后工作日。",
             "例如：在职，或“2025年5月31日离职”。", answers.employment_end, (("在职", "在职"),)),
    Question("cumulative_years", "您参加工作累计多少年了？（在不同单位的工作时间都算）", "例如：12年、三年半。",
             answers.service_period),
    Question("leave_days_taken", "今年已经休了几天年休假？没休请回复“没有”。", "例如：2天、0、没有。",
             answers.leave_days_taken, deny_answers=True),
    Question("leave_dates", "今年是中途入职或离职的吗？是的话请告诉我日期，例如“今年3月1日入职”；都不是请回复“不是”。",
             "例如：今年3月1日入职、今年9月30日离职，或“不是”。", answers.leave_dates, deny_answers=True),
    Question("arbitration_wage_claim", "您要追讨的是在职期间被拖欠的工资吗？", "请回复“是”或“否”。",
             answers.yes_no, YES_NO, deny_answers=True),
    Question("knew_on", "您是哪天知道自己的权益被侵害的？（比如被辞退、被扣钱的那天）",
             "例如：2025年3月10日、去年三月、上个月15号。", answers.past_date),
)}
