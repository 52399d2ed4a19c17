"""Answers built around the card bank, on the real corpus and cards (phrasings written for these tests)."""

import re

import pytest

from knowledge_base.answer import GUESS_STEPS, OPTION_P, PROBABLE_P, SECOND_GUESS_CHARS, SECOND_P, book_title
from knowledge_base.cards import ANSWER_LIMIT, opening
from tests.support.ranking import rank_cards

pytestmark = pytest.mark.slow  # builds the real index once per session

STATUTE_QUOTE = re.compile(r"第[零一二三四五六七八九十百]+条\s")


def test_a_clear_question_gets_its_card_first_with_the_cards_articles(knowledge):
    answer = knowledge.answer("被机器压伤了手，鉴定是九级伤残，一次性伤残补助金该给几个月工资", "work_injury", [], 0.9)
    assert answer.kind == "card" and answer.cards == ["injury-lump-sum-by-grade"]
    card = knowledge._require().cards.by_id["injury-lump-sum-by-grade"]
    assert answer.text.startswith("按您说的九级伤残：一次性伤残补助金是9个月的本人工资") or answer.text.startswith(
        card.answer
    )
    cited = [(c["law"], c["article"]) for c in answer.citations]
    assert cited[0] == ("工伤保险条例", 37)  # grades 7-10: the article the worker's grade falls under leads
    other_grades = {("工伤保险条例", 35), ("工伤保险条例", 36)}  # grades 1-6: beside the point here
    assert (
        cited[1:] == [a for a in card.articles if a != ("工伤保险条例", 37) and a not in other_grades][: len(cited) - 1]
    )
    assert all(c["text"].startswith("第") for c in answer.citations)  # the article itself travels with it


def test_the_workers_own_grade_and_wage_fill_the_answer(knowledge):
    answer = knowledge.answer("公伤评了十级 月工资六千 一次性伤残补助金能拿多少", "work_injury", [], 0.9)
    first_line = answer.text.splitlines()[0]
    assert "十级伤残" in first_line and "7个月" in first_line and "42000" in first_line


def test_a_stated_grade_is_answered_for_that_grade_even_from_a_vaguer_question(knowledge):
    answer = knowledge.answer("砖厂干活压断了腿 评了8级残废 这种工伤赔多少钱", "work_injury", [], 0.9)
    assert answer.kind == "card"
    assert answer.text.startswith("按您说的八级伤残：一次性伤残补助金是11个月的本人工资")
    assert "五、六级" not in answer.text and "五级为本人工资" not in answer.text  # no other grade's rule
    assert (answer.citations[0]["law"], answer.citations[0]["article"]) == ("工伤保险条例", 37)


def test_a_stated_birth_month_is_answered_with_that_persons_retirement_age(knowledge):
    answer = knowledge.answer(
        "我是1975年3月出生的，在电子厂流水线上干活的女工，延迟退休以后我到底几岁退", "social_insurance", [], 0.9
    )
    assert answer.kind == "card"
    assert answer.text.startswith("按您说的1975年3月出生，原50岁退休的女职工的法定退休年龄是50岁2个月（2025年5月到龄）")
    assert (answer.citations[0]["law"], answer.citations[0]["article"]) == ("退休年龄与社保公积金政策指南", 1)


def test_a_stated_birth_gets_the_minimum_contribution_of_the_year_they_retire(knowledge):
    answer = knowledge.answer(
        "我1975年出生，在公司做会计的女职工，养老保险要交满多少年才能按月领", "social_insurance", [], 0.9
    )
    assert answer.cards == ["si-pension-minimum-years"]
    assert answer.text.startswith("按您说的1975年出生，原55岁退休的女职工2031年5月至2032年6月之间到龄"), answer.text
    assert (answer.citations[0]["law"], answer.citations[0]["article"]) == ("退休年龄与社保公积金政策指南", 6)


def test_a_verdict_stays_first_when_the_workers_facts_follow_it(knowledge):
    answer = knowledge.answer(
        "我1976年8月出生，原来五十岁退休的女工，今年刚满50厂里就停了我的社保让我回家，合法吗",
        "social_insurance",
        [],
        0.9,
    )
    assert answer.cards == ["si-woman-50-keep-paying"]
    assert answer.text.startswith("不合法。按您说的1976年8月出生，原50岁退休的女职工的法定退休年龄是50岁10个月"), (
        answer.text
    )


def test_a_reply_reads_on_a_phone(knowledge):
    answer = knowledge.answer("公司拖了我两个月工资不发，我该去哪里告", "wage_arrears", [], 0.9)
    lines = answer.text.splitlines()
    assert len(answer.text) <= 600
    assert lines[-1].startswith("以上仅供参考") and len(lines[-1]) <= 60  # a one-line disclaimer
    assert sum(1 for ln in lines if re.match(r"\d\. ", ln)) <= 3  # at most three next steps
    assert not STATUTE_QUOTE.search(answer.text), "statute text belongs in the citation cards, not the bubble"


def test_two_questions_in_one_message_get_two_cards(knowledge):
    answer = knowledge.answer("周六周日加班的加班费怎么算？还有年休假一年能休几天？", "overtime_hours", [], 0.9)
    assert answer.kind == "cards" and len(answer.cards) == 2
    assert "关于“" in answer.text


def test_an_unclear_question_offers_a_person_instead_of_refusing(knowledge):
    answer = knowledge.answer("那个事情后来怎么弄比较好呢", "labor_contract", [], 0.4)
    assert answer.kind == "unsure"
    assert all(c.get("relevance") == "possible" for c in answer.citations)
    assert "转人工" in answer.text and "没有找到足够确定的法律依据" not in answer.text


def test_out_of_scope_gets_a_referral_without_citations(knowledge):
    answer = knowledge.answer("网上买的羽绒服质量太差商家不给退货怎么办", "out_of_scope", [], 0.9)
    assert answer.kind == "referral" and answer.citations == []
    assert "12315" in answer.text


def test_repealed_interpretations_are_never_cited(knowledge, settings):
    repealed = {e["short_title"] for e in knowledge._require().manifest["documents"] if e["status"] == "repealed"}
    assert len(repealed) == 4
    for question, intent in [
        ("劳动争议的仲裁时效从什么时候开始算", "dispute_procedure"),
        ("单位和我签的竞业限制协议没给补偿还有效吗", "labor_contract"),
        ("用人单位和劳动者对工资数额有争议谁举证", "wage_arrears"),
    ]:
        answer = knowledge.answer(question, intent, [], 0.9)
        assert not {c["law"] for c in answer.citations} & repealed


def test_other_city_gets_a_note_that_local_rules_differ(knowledge):
    answer = knowledge.answer("在上海被辞退了能拿多少补偿", "dismissal", [{"entity": "city", "value": "上海"}], 0.9)
    assert "以上海的规定为准" in answer.text


def test_a_worker_in_another_city_is_not_sent_to_beijing_offices(knowledge):
    text = "我在广州的厂里上班，婚假能休几天"
    beijing = knowledge.answer(text, "leave", [], 0.9)
    other = knowledge.answer(text, "leave", [{"entity": "city", "value": "广州"}], 0.9)
    assert beijing.cards == other.cards and "北京" in beijing.text  # the marriage-leave card, written for Beijing
    assert "北京" not in other.text and "再增加7天" not in other.text and "广州" in other.text


def test_a_chosen_option_answers_with_that_card(knowledge):
    answer = knowledge.card_answer("leave-annual-days")
    card = knowledge._require().cards.by_id["leave-annual-days"]
    assert answer.kind == "card" and answer.text.startswith(card.answer)
    assert knowledge.card_answer("no-such-card") is None


def test_every_card_answer_is_short_and_opens_with_its_own_sentence(knowledge):
    cards = knowledge._require().cards.cards
    openings = [opening(c.answer) for c in cards]
    assert all(len(c.answer) <= ANSWER_LIMIT for c in cards)
    shared = {o for o in openings if openings.count(o) > 1}
    assert not shared, shared


def test_nested_title_marks_are_typeset():
    assert book_title("北京市实施《中华人民共和国工会法》办法") == "《北京市实施〈中华人民共和国工会法〉办法》"


def test_article_lookup_for_staff_pages(knowledge):
    chunk = knowledge.article("劳动合同法", 47)
    assert chunk is not None and chunk.text.startswith("第四十七条")
    assert knowledge.article("劳动合同法", 999) is None


def test_a_home_town_or_a_beijing_district_keeps_the_beijing_answer(knowledge):
    text = "我老家信阳的，在北京的厂里上班，婚假能休几天"
    hometown = [{"entity": "city", "value": "信阳", "start": 2, "end": 4}]
    assert "北京" in knowledge.answer(text, "leave", hometown, 0.9).text
    text = "老家是信阳的，现在在朝阳一家厂里上班，婚假能休几天"
    both = [{"entity": "city", "value": "信阳", "start": 3, "end": 5}, {"entity": "district", "value": "朝阳区"}]
    assert "信阳" not in knowledge.answer(text, "leave", both, 0.9).text


def test_several_other_cities_are_not_guessed_between(knowledge):
    text = "公司注册在深圳，我在东莞的厂里上班，婚假能休几天"
    cities = [
        {"entity": "city", "value": "深圳", "start": 5, "end": 7},
        {"entity": "city", "value": "东莞", "start": 10, "end": 12},
    ]
    answer = knowledge.answer(text, "leave", cities, 0.9)
    assert "您不在北京工作" in answer.text and "您在深圳" not in answer.text and "再增加7天" not in answer.text


def test_a_claim_from_a_job_that_ended_over_a_year_ago_is_warned_about_the_time_limit(knowledge):
    answer = knowledge.answer("我2022年5月被辞退了，公司一直没跟我签合同，二倍工资能要吗", "labor_contract", [], 0.9)
    assert "2022年5月就离开了单位" in answer.text and "12351" in answer.text
    assert ("劳动争议调解仲裁法", 27) in {(c["law"], c["article"]) for c in answer.citations}
    recent = knowledge.answer("我上个月被辞退了，公司一直没跟我签合同，二倍工资能要吗", "labor_contract", [], 0.9)
    assert "离开了单位" not in recent.text


def test_a_probable_answer_with_a_probable_runner_up_gives_both_answers(knowledge, monkeypatch):
    retriever = knowledge._require()
    first, second, third = "wage-arrears-what-to-do", "wage-payslip", "wage-evidence"
    rank_cards(retriever, monkeypatch, [(first, 0.3), (second, SECOND_P + 0.01), (third, OPTION_P + 0.01)])
    answer = knowledge.answer("工钱的事想问问", "wage_arrears", [], 0.6)
    cards = retriever.cards.by_id
    assert answer.kind == "probable" and answer.cards == [first, second]
    lines = answer.text.splitlines()
    assert lines[0] == f"如果您问的是“{cards[first].question}”：{cards[first].answer}"
    # the less likely guess: its direct answer, whole sentences, at least SECOND_GUESS_CHARS of them
    second_line = lines[1].removeprefix(f"如果您问的是“{cards[second].question}”：")
    assert cards[second].answer.startswith(second_line) and second_line.endswith("。")
    assert len(second_line) >= min(SECOND_GUESS_CHARS, len(cards[second].answer))
    assert [o["payload"] for o in answer.options] == [f'/ask_card{{"card":"{third}"}}']
    cited = [(c["law"], c["article"]) for c in answer.citations]
    assert cited[:2] == [tuple(a) for a in cards[first].articles[:2]]
    assert tuple(cards[second].articles[0]) in cited
    assert len(answer.text) <= 600


def test_a_probable_answer_whose_runner_up_is_unlikely_gives_one_answer(knowledge, monkeypatch):
    retriever = knowledge._require()
    first, second = "wage-arrears-what-to-do", "wage-payslip"
    rank_cards(retriever, monkeypatch, [(first, 0.3), (second, SECOND_P - 0.01)])
    answer = knowledge.answer("工钱的事想问问", "wage_arrears", [], 0.6)
    assert answer.kind == "probable" and answer.cards == [first]
    assert answer.text.count("如果您问的是") == 1
    assert sum(1 for line in answer.text.splitlines() if re.match(r"\d\. ", line)) <= GUESS_STEPS
    assert [o["payload"] for o in answer.options] == [f'/ask_card{{"card":"{second}"}}']


def test_a_card_for_other_people_than_the_worker_says_they_are_is_passed_over(knowledge, monkeypatch):
    retriever = knowledge._require()
    below, past = "contract-older-worker-service-agreement", "contract-overage-no-pension"
    assert retriever.cards.by_id[below].premise == "below_retirement_age"
    rank_cards(retriever, monkeypatch, [(below, 0.6), (past, 0.5)])
    answer = knowledge.answer("我今年67岁了，单位说只能签劳务协议", "labor_contract", [], 0.8)
    assert answer.cards == [past] and answer.kind == "card"
    unstated = knowledge.answer("单位说年纪大了只能签劳务协议", "labor_contract", [], 0.8)
    assert unstated.cards == [below]  # no age stated: the closest card stands


def test_an_unsure_answer_still_answers_the_closest_questions_as_guesses(knowledge, monkeypatch):
    retriever = knowledge._require()
    first, second, third = "wage-arrears-what-to-do", "wage-payslip", "wage-evidence"
    below = (OPTION_P + PROBABLE_P) / 2
    rank_cards(retriever, monkeypatch, [(first, below), (second, below - 0.005), (third, OPTION_P + 0.001)])
    answer = knowledge.answer("工钱的事想问问", "wage_arrears", [], 0.6)
    cards = retriever.cards.by_id
    assert answer.kind == "unsure" and answer.reasons == ["low_confidence"]
    lines = answer.text.splitlines()
    assert lines[0].startswith("我没能确定您问的具体是哪种情况")  # says it is unsure, first
    assert lines[1] == f"如果您问的是“{cards[first].question}”：{cards[first].answer}"
    assert lines[2].startswith(f"如果您问的是“{cards[second].question}”：")
    assert answer.cards == [first, second]
    assert [o["payload"] for o in answer.options] == [f'/ask_card{{"card":"{third}"}}']
    assert all(c.get("relevance") == "possible" for c in answer.citations)
    assert tuple(cards[first].articles[0]) in [(c["law"], c["article"]) for c in answer.citations]
    assert "转人工" in answer.text and len(answer.text) <= 600


def test_an_unsure_answer_with_no_close_card_asks_what_happened(knowledge, monkeypatch):
    retriever = knowledge._require()
    rank_cards(retriever, monkeypatch, [("wage-arrears-what-to-do", OPTION_P - 0.01)])
    answer = knowledge.answer("工钱的事想问问", "wage_arrears", [], 0.6)
    assert answer.kind == "unsure" and answer.cards == [] and answer.options == []
    assert "如果您问的是" not in answer.text and "能再说说发生了什么" in answer.text and "转人工" in answer.text
