"""Matching a worker's long message by the clause that asks (phrasings written for these tests)."""

import pytest

from knowledge_base.card_match import asking_clause

STORY = (
    "我在一家电子厂上了四年班，平时表现也还行，"
    "上周主管突然叫我去办公室说公司不需要我了让我明天别来了，这种情况能要补偿吗"
)


def test_a_story_is_matched_by_the_clause_that_asks():
    # a short asking clause keeps the one before it
    assert asking_clause(STORY) == "上周主管突然叫我去办公室说公司不需要我了让我明天别来了，这种情况能要补偿吗"
    site = (
        "去年跟着老乡在城东的工地干了大半年的木工活，过年前包工头说钱没结下来，现在人也联系不上了，我们的工钱该找谁要"
    )
    assert asking_clause(site) == "现在人也联系不上了，我们的工钱该找谁要"


@pytest.mark.parametrize(
    "text",
    [
        "老板拖了我两个月工资不发怎么办",  # short: the whole message is the question
        "我在工厂上班三年了从来没签过合同也没交过社保今天被辞退了",  # tells, asks nothing recognisable
    ],
)
def test_short_or_asking_nothing_uses_the_whole_message(text):
    assert asking_clause(text) is None


@pytest.mark.slow
def test_a_long_story_gets_the_card_of_its_question(knowledge):
    answer = knowledge.answer(STORY, "dismissal", [], 0.8)
    assert answer.kind in ("card", "probable", "cards")
    assert {"dismissal-unlawful-compensation", "dismissal-severance-calc", "dismissal-2n-calc"} & set(answer.cards)
