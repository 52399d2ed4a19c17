"""The worker's own facts in a question, and the sentence that applies a card's rule to them.

"评了十级伤残，月工资六千" on the disability-benefit card becomes "按您说的十级伤残：一次性伤残补助金是7个月
的本人工资；按月工资6000元估算，一次性伤残补助金约42000元。" Every figure here comes from the article the
card cites (工伤保险条例 第三十五至三十七条, 劳动合同法 第十九、四十七、八十二、八十七条, 带薪年休假条例 第三条,
女职工劳动保护特别规定 第七条, 社会保险法 第四十六条, 劳动争议调解仲裁法 第二十七条, the union policy document
退休年龄与社保公积金政策指南 第一条); a fact we cannot read
with confidence produces no sentence at all, and the card's general answer stands on its own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from nlu.numerals import to_int
from phrasebook import say

from .calculators import ServicePeriod, add_months, full_year_days, months_of_pay, overtime
from .calculators.common import chinese_date, number, round_money
from .calculators.retirement import TRACKS, Track
from .retirement_facts import (
    Birth,
    birth_from_age,
    pension_minimum_sentence,
    retirement_groups,
    retirement_sentence,
    stated_birth,
)

# 工伤保险条例 第三十五、三十六、三十七条
LUMP_SUM_MONTHS = {1: 27, 2: 25, 3: 23, 4: 21, 5: 18, 6: 16, 7: 13, 8: 11, 9: 9, 10: 7}
ALLOWANCE_PERCENT = {1: 90, 2: 85, 3: 80, 4: 75, 5: 70, 6: 60}
# 非法用工单位伤亡人员一次性赔偿办法 第五条 (union policy document 非法用工伤亡一次性赔偿指引 第五条): multiples of
# the area's average annual wage of the previous year.
ILLEGAL_EMPLOYER_MULTIPLE = {1: 16, 2: 14, 3: 12, 4: 10, 5: 8, 6: 6, 7: 4, 8: 3, 9: 2, 10: 1}
_MULTIPLE_BIRTH = {"双胞胎": 1, "龙凤胎": 1, "三胞胎": 2}
_DIFFICULT_BIRTH = re.compile(r"难产|剖腹|剖宫|顺转剖")
MATERNITY_DAYS, DIFFICULT_BIRTH_DAYS, EXTRA_BABY_DAYS = 98, 15, 15  # 女职工劳动保护特别规定 第七条


@dataclass
class QuestionFacts:
    disability_grade: int | None = None
    monthly_wage: Decimal | None = None
    service: ServicePeriod | None = None  # the first length of time stated (years worked, months unsigned…)
    service_approximate: bool = False  # "五年多": at least the stated time, the rest unknown
    event_date: date | None = None
    left_on: date | None = None  # the date the job ended, when the worker gives it ("2022年5月被辞退")
    left_on_said: str = ""  # that date in the worker's words ("2022年5月", not a day they never gave)
    extra_babies: int = 0
    difficult_birth: bool = False
    age: tuple[int, int] | None = None  # the worker's age as stated: (youngest, oldest) it can be ("五十多岁": 51-59)
    born: Birth | None = None  # when the person the question is about was born, as far as the words tell
    retirement_tracks: tuple[Track, ...] = TRACKS  # the retirement-age groups their words leave possible

    def known(self) -> dict[str, str]:
        """What was read, for calculators and the lawyers' case page (empty fields left out)."""
        out = {}
        if self.disability_grade:
            out["disability_grade"] = str(self.disability_grade)
        if self.monthly_wage is not None:
            out["monthly_wage"] = str(self.monthly_wage)
        if self.service is not None:
            out["service"] = self.service.describe()
        if self.event_date is not None:
            out["event_date"] = self.event_date.isoformat()
        return out


def analyse(text: str, today: date | None = None) -> QuestionFacts:
    """Facts stated in ``text``: money, a length of time, a date, a disability grade, births."""
    from nlu.language import entities
    from nlu.zh_parse import parse_date, parse_duration, parse_money

    today = today or date.today()
    found = entities(text, today)
    by_type = {e["entity"]: e for e in reversed(found)}  # first occurrence wins
    facts = QuestionFacts()
    if "disability_grade" in by_type:
        facts.disability_grade = int(by_type["disability_grade"]["value"])
    wage = next((e for e in found if e["entity"] == "money" and _stated_as_wage(text, e["start"], e["end"])), None)
    if wage is not None:
        facts.monthly_wage = parse_money(text[wage["start"] : wage["end"]])
    if "duration" in by_type:
        span = text[by_type["duration"]["start"] : by_type["duration"]["end"]]
        duration = parse_duration(span)
        if duration is not None and not duration.hours:
            facts.service = ServicePeriod.of(duration.years, duration.months, duration.days)
            facts.service_approximate = duration.approximate
    if "date" in by_type:
        facts.event_date = parse_date(text[by_type["date"]["start"] : by_type["date"]["end"]], today)
    left = next((e for e in found if e["entity"] == "date" and _LEAVING.match(text, e["end"], e["end"] + 12)), None)
    if left is not None:
        facts.left_on_said = text[left["start"] : left["end"]]
        facts.left_on = parse_date(facts.left_on_said, today)
    facts.age = _age(text)
    facts.retirement_tracks = retirement_groups(text)
    # An age alone says when someone was born only roughly (two years); with nobody's sex said either, the
    # three groups' ages over two years would bury the answer, and the age may be the employer's ("年满50周岁").
    from_age = birth_from_age(facts.age, today) if facts.retirement_tracks != TRACKS else None
    facts.born = stated_birth(text) or from_age
    facts.extra_babies = max((n for word, n in _MULTIPLE_BIRTH.items() if word in text), default=0)
    facts.difficult_birth = bool(_DIFFICULT_BIRTH.search(text))
    return facts


_AGE = re.compile(r"(?P<n>\d{1,2}|[一二三四五六七八九十]{1,3})(?P<more>多)?(?:周)?岁")
# An age right after these words is someone else's (the worker's child), not the worker's.
_CHILD = re.compile(r"(?:孩子|儿子|女儿|闺女|宝宝|小孩|娃)[^，。,.；;！!？?]{0,4}$")


def _age(text: str) -> tuple[int, int] | None:
    """The one age the message states for an adult (a child's age is not the worker's); None when it states
    none, or several (the worker's and a parent's: which one the question is about is unclear)."""
    ages = set()
    for m in _AGE.finditer(text):
        n = to_int(m["n"])
        if n is None or not 14 <= n <= 90 or _CHILD.search(text[max(0, m.start() - 8) : m.start()]):
            continue
        ages.add((n + 1, n + 9) if m["more"] and n % 10 == 0 else (n, n))
    return ages.pop() if len(ages) == 1 else None


# Under the 2025 decision on raising the retirement age step by step, nobody's statutory retirement age is
# below 50 (women workers' former age) or above 63 (men's final age): only ages outside that span settle
# whether a worker has reached theirs.
LOWEST_RETIREMENT_AGE, HIGHEST_RETIREMENT_AGE = 50, 63


def contradicts(premise: str | None, f: QuestionFacts) -> bool:
    """Whether the worker's stated age rules out the people a card's rule is for (``AnswerCard.premise``)."""
    if premise is None or f.age is None:
        return False
    youngest, oldest = f.age
    if premise == "below_retirement_age":
        return youngest >= HIGHEST_RETIREMENT_AGE
    return premise == "past_retirement_age" and oldest < LOWEST_RETIREMENT_AGE


# A job ending right after a date: "2022年5月30日被辞退", "去年3月离职的", "2021年底合同到期".
_LEAVING = re.compile(r"[^，。；？！,.;?!]{0,5}?(?:辞退|开除|解除|离职|辞职|被裁|裁员|不干了|合同到期|终止|被炒)")


def time_limit_passed(f: QuestionFacts, today: date | None = None) -> bool:
    """Whether the job ended more than a year ago (劳动争议调解仲裁法 第二十七条: one year from when the worker knew
    of the infringement; interruptions and suspensions aside), so a claim from it may be out of time."""
    return f.left_on is not None and add_months(f.left_on, 12) < (today or date.today())


_WAGE_BEFORE = re.compile(
    r"(?:工资|月薪|薪水|薪资|底薪|工钱|收入|月入|每月|每个月|一个月|一月|月均)[是有为拿约大概差不多就才:：]{0,4}$"
)
_WAGE_AFTER = re.compile(r"^(?:元|块钱?|块)?(?:每月|一个月|一月|/月|每个月|的工资|的月薪|月薪|工资)")


def _stated_as_wage(text: str, start: int, end: int) -> bool:
    """Whether an amount is the worker's monthly wage ("月薪六千", "一个月3500", "6000一个月"), not a sum
    they hope for or are owed ("能拿五万吗", "欠我两万"): only a wage may be multiplied into an estimate."""
    return bool(_WAGE_BEFORE.search(text[max(0, start - 8) : start]) or _WAGE_AFTER.match(text[end : end + 6]))


_GRADE_NUMERAL = "一二三四五六七八九十"
_GRADE_RANGE = re.compile(rf"([{_GRADE_NUMERAL}])(?:至|到|-|～|~)([{_GRADE_NUMERAL}])级")
_GRADE_RUN = re.compile(rf"((?:[{_GRADE_NUMERAL}][、，,和或]?)+)级")


def speaks_of_other_grades(card_text: str, facts: QuestionFacts) -> bool:
    """Whether a card's text is about disability grades other than the one the worker stated ("五、六级…"
    to a worker with grade eight): its rule would read as theirs, so only the sentence for their grade is said."""
    grade = facts.disability_grade
    if grade is None:
        return False
    spoken: set[int] = set()
    for low, high in _GRADE_RANGE.findall(card_text):
        spoken |= set(range(_GRADE_NUMERAL.index(low) + 1, _GRADE_NUMERAL.index(high) + 2))
    for run in _GRADE_RUN.findall(_GRADE_RANGE.sub("", card_text)):
        spoken |= {_GRADE_NUMERAL.index(ch) + 1 for ch in run if ch in _GRADE_NUMERAL}
    return bool(spoken) and grade not in spoken


def apply(kind: str | None, facts: QuestionFacts) -> str | None:
    """One sentence applying the rule of a card's ``facts`` kind to the worker's facts, or None."""
    rule = _RULES.get(kind or "")
    sentence = rule(facts) if rule else None
    return sentence + say("facts.end") if sentence else None


_BENEFIT_ASKED = re.compile(r"赔|多少|钱|待遇|补助|补偿|津贴|怎么算|标准")
# The rules a stated birth decides, with the words that ask what the rule answers. A card about being made to
# retire (retirement_age_check) says the age too but never decides: asking when is the retirement_age card's.
_ASKED_OF_A_BIRTH = {
    "retirement_age": re.compile(
        r"(?:几岁|多大|哪年|哪一年|什么时候|啥时候|何时|多少岁|年龄|多久|几个月).{0,6}退|退休年龄|退到几岁|到龄"
    ),
    "pension_minimum_years": re.compile(r"[交缴][满够足]?(?:多少|几)年|最低缴费年限|最低年限"),
}


def decides(kind: str | None, facts: QuestionFacts, text: str) -> bool:
    """Whether the worker's own words settle that a card with this ``facts`` rule answers them: a stated
    disability grade in a question about what it brings is answered by the grade's rule, whichever card
    the wording came closest to."""
    # a birth year (or age) in a question about when they retire, or how many years they must pay in
    if kind in _ASKED_OF_A_BIRTH:
        return facts.born is not None and bool(_ASKED_OF_A_BIRTH[kind].search(text))
    grade_rule = kind in ("disability_grade", "illegal_employer_grade")
    return grade_rule and facts.disability_grade is not None and bool(_BENEFIT_ASKED.search(text))


RETIREMENT_ARTICLE = ("退休年龄与社保公积金政策指南", 1)
# The article each rule applied to a stated birth rests on.
BIRTH_GROUNDS = {
    "retirement_age": RETIREMENT_ARTICLE,
    "retirement_age_check": RETIREMENT_ARTICLE,
    "pension_minimum_years": ("退休年龄与社保公积金政策指南", 6),
}
# 条例 第三条: the days by years worked; 实施办法 第五条: the year of joining an employer is prorated.
ANNUAL_LEAVE_GROUNDS = [("职工带薪年休假条例", 3), ("企业职工带薪年休假实施办法", 5)]
GRADE_ARTICLES = {("工伤保险条例", 35), ("工伤保险条例", 36), ("工伤保险条例", 37)}  # grades 1-4, 5-6, 7-10


def grounds(kind: str | None, facts: QuestionFacts) -> tuple[list[tuple[str, int]], set[tuple[str, int]]]:
    """The articles the sentence ``apply`` wrote rests on, to be cited first, and the card's articles that
    do not apply to these facts (another grade's rules); ([], set()) when the card's own citations stand."""
    if kind in BIRTH_GROUNDS and facts.born is not None:
        return [BIRTH_GROUNDS[kind]], set()
    if kind == "annual_leave" and facts.service is not None:
        return list(ANNUAL_LEAVE_GROUNDS), set()
    grade = facts.disability_grade
    if grade not in LUMP_SUM_MONTHS:
        return [], set()
    if kind == "disability_grade":
        own = ("工伤保险条例", 35 if grade <= 4 else 36 if grade <= 6 else 37)
        return [own], GRADE_ARTICLES - {own}
    if kind == "illegal_employer_grade":
        return [("非法用工伤亡一次性赔偿指引", 5)], set()
    return [], set()


def _yuan(value: Decimal) -> str:
    return number(round_money(value))


def _disability(f: QuestionFacts) -> str | None:
    grade = f.disability_grade
    if grade not in LUMP_SUM_MONTHS:
        return None
    text = say("facts.disability_grade", grade=_cn(grade), months=LUMP_SUM_MONTHS[grade])
    if f.monthly_wage:
        text += say(
            "facts.disability_amount", wage=_yuan(f.monthly_wage), amount=_yuan(f.monthly_wage * LUMP_SUM_MONTHS[grade])
        )
    # 工伤保险条例 第三十五条 (grades 1-4), 第三十六条 (5-6), 第三十七条 (7-10): what follows the lump sum differs.
    if grade <= 4:
        return text + say("facts.disability_allowance", percent=ALLOWANCE_PERCENT[grade])
    if grade <= 6:
        text += say("facts.disability_allowance_no_post", percent=ALLOWANCE_PERCENT[grade])
        return text + say("facts.disability_leaving_on_request")
    return text + say("facts.disability_leaving")


def _disability_illegal_employer(f: QuestionFacts) -> str | None:
    grade = f.disability_grade
    if grade not in ILLEGAL_EMPLOYER_MULTIPLE:
        return None
    return say("facts.illegal_employer_grade", grade=_cn(grade), times=ILLEGAL_EMPLOYER_MULTIPLE[grade])


def _severance(f: QuestionFacts, multiplier: int = 1) -> str | None:
    if f.service is None or f.service.total_months == 0 and not f.service.days:
        return None
    low, high = (months_of_pay(s) * multiplier for s in _service_bounds(f))
    key = "facts.severance" if multiplier == 1 else "facts.illegal_dismissal"
    service = f.service.describe() + ("多" if f.service_approximate else "")
    text = say(key, service=service, months=number(low) if low == high else f"{number(low)}到{number(high)}")
    if f.monthly_wage and low == high:
        text += say("facts.wage_amount", wage=_yuan(f.monthly_wage), amount=_yuan(f.monthly_wage * low))
    return text + say("facts.severance_note")


def _service_bounds(f: QuestionFacts) -> tuple[ServicePeriod, ServicePeriod]:
    """The shortest and longest time worked the worker's words allow: "五年多" is 5 years and 1 to 11
    months, "三个月多" 3 months and 1 to 29 days; an exact time is both."""
    s = f.service
    if not f.service_approximate or s.days:
        return s, s
    if s.months:
        return ServicePeriod.of(s.years, s.months, 1), ServicePeriod.of(s.years, s.months, 29)
    return ServicePeriod.of(s.years, 1), ServicePeriod.of(s.years, 11)


def _double_wage(f: QuestionFacts) -> str | None:
    if f.service is None:
        return None
    months = f.service.total_months
    if months < 2:
        return say("facts.double_wage_none", months=max(months, 1)) if months else None
    return say("facts.double_wage", months=months, owed=min(months - 1, 11))  # 实施条例 第七条: 满一年视为无固定期限


def _annual_leave(f: QuestionFacts) -> str | None:
    if f.service is None:
        return None
    days = full_year_days(f.service)
    if not days:
        return say("facts.annual_leave_none", service=f.service.describe())
    return say("facts.annual_leave", service=f.service.describe(), days=days)


def _maternity(f: QuestionFacts) -> str | None:
    if not (f.difficult_birth or f.extra_babies):
        return None
    days = MATERNITY_DAYS + DIFFICULT_BIRTH_DAYS * f.difficult_birth + EXTRA_BABY_DAYS * f.extra_babies
    return say("facts.maternity_leave", days=days)


def _probation(f: QuestionFacts) -> str | None:
    """劳动合同法 第十九条 by the contract term."""
    if f.service is None:
        return None
    months = f.service.total_months
    term = f.service.describe()
    if months < 3:
        return say("facts.probation_none", term=term)
    limit = "1个月" if months < 12 else "2个月" if months < 36 else "6个月"
    return say("facts.probation", term=term, limit=limit)


def _unemployment(f: QuestionFacts) -> str | None:
    """社会保险法 第四十六条: 1–5 years paid → 12 months, 5–10 → 18, 10 or more → 24."""
    if f.service is None or f.service.years < 1:
        return None
    months = 12 if f.service.years < 5 else 18 if f.service.years < 10 else 24
    return say("facts.unemployment_benefit", service=f.service.describe(), months=months)


def _arbitration(f: QuestionFacts) -> str | None:
    if f.event_date is None:
        return None
    deadline = add_months(f.event_date, 12)
    return say("facts.arbitration_deadline", start=chinese_date(f.event_date), deadline=chinese_date(deadline))


def _overtime_pay(f: QuestionFacts) -> str | None:
    """劳动法 第四十四条 on the stated monthly wage: the hourly wage (÷ 21.75 pay days ÷ 8 hours) at 150 %,
    and a day's wage at 200 % and 300 %."""
    if not f.monthly_wage:
        return None
    hour = overtime(f.monthly_wage, workday_hours=1)
    return say(
        "facts.overtime_pay",
        wage=_yuan(f.monthly_wage),
        hourly=_yuan(hour.hourly_wage),
        workday=_yuan(hour.amount),
        rest_day=_yuan(overtime(f.monthly_wage, rest_day_hours=8).amount),
        holiday=_yuan(overtime(f.monthly_wage, holiday_hours=8).amount),
    )


# 工伤保险条例 第三十九条: each dependant's monthly pension as a share of the deceased's wage.
SPOUSE_PERCENT, OTHER_DEPENDANT_PERCENT, ALONE_EXTRA_PERCENT = 40, 30, 10


def _death_benefit(f: QuestionFacts) -> str | None:
    """The dependants' pensions on the deceased's stated monthly wage (工伤保险条例 第三十九条)."""
    if not f.monthly_wage:
        return None
    return say(
        "facts.death_dependants",
        wage=_yuan(f.monthly_wage),
        spouse=_yuan(f.monthly_wage * SPOUSE_PERCENT / 100),
        other=_yuan(f.monthly_wage * OTHER_DEPENDANT_PERCENT / 100),
        extra=_yuan(f.monthly_wage * ALONE_EXTRA_PERCENT / 100),
    )


def _retirement(f: QuestionFacts) -> str | None:
    return retirement_sentence(f.born, f.retirement_tracks)


def _cn(grade: int) -> str:
    return _GRADE_NUMERAL[grade - 1]


_RULES = {
    "disability_grade": _disability,
    "illegal_employer_grade": _disability_illegal_employer,
    "severance": _severance,
    "illegal_dismissal": lambda f: _severance(f, multiplier=2),
    "double_wage": _double_wage,
    "annual_leave": _annual_leave,
    "maternity_leave": _maternity,
    "probation": _probation,
    "unemployment_benefit": _unemployment,
    "arbitration_deadline": _arbitration,
    "retirement_age": _retirement,
    "retirement_age_check": _retirement,  # the same sentence; it never decides the card (see decides)
    "pension_minimum_years": lambda f: pension_minimum_sentence(f.born, f.retirement_tracks),
    "overtime_pay": _overtime_pay,
    "death_benefit": _death_benefit,
}
