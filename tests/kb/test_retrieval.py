"""Hybrid retrieval on the real corpus index, with the team's own colloquial questions."""

import pytest

from knowledge_base.manifest import load_manifest
from knowledge_base.retriever import Components

pytestmark = pytest.mark.slow

OWN_QUESTIONS = [
    ("干了五年被公司裁了，补偿金怎么算", "dismissal", {("劳动合同法", 47)}),
    ("上班时在车间被机器砸伤了脚，单位说不算工伤", "work_injury", {("工伤保险条例", 14)}),
    (  # the duties to enrol (社会保险法 10 pension, 23 medical, 58 registration), to pay (60), the sanctions
        # (84, 86) and the worker's right to leave (劳动合同法 38) all bear on "never enrolled"
        "公司从来不给我们上五险",
        "social_insurance",
        {("社会保险法", n) for n in (10, 23, 58, 60, 84, 86)} | {("劳动合同法", 38)},
    ),
    ("老板入职就要扣我三千块押金", "labor_contract", {("劳动合同法", 9), ("劳动合同法", 84)}),
    ("入职两个月了单位还没跟我签劳动合同", "labor_contract", {("劳动合同法", 82), ("劳动合同法", 10)}),
    ("怀孕以后单位给我调岗还降了工资", "women_protection", {("女职工劳动保护特别规定", 5), ("劳动合同法", 42)}),
    ("国庆节让我们上班，工资该怎么算", "overtime_hours", {("劳动法", 44)}),
    ("我想告公司，劳动仲裁要在多长时间内申请", "dispute_procedure", {("劳动争议调解仲裁法", 27)}),
]


@pytest.mark.parametrize("question,intent,gold", OWN_QUESTIONS, ids=[q[0][:10] for q in OWN_QUESTIONS])
def test_hybrid_finds_the_article_for_a_colloquial_question(retriever, question, intent, gold):
    hits = retriever.search(question, intent=intent, k=5).hits
    assert gold & {(h.law, h.article) for h in hits}, [(h.law, h.article) for h in hits]


def test_hybrid_beats_bm25_alone_on_own_questions(retriever):
    def hits_at_5(components):
        return sum(
            bool(gold & {(h.law, h.article) for h in retriever.search(q, intent=i, k=5, components=components).hits})
            for q, i, gold in OWN_QUESTIONS
        )

    bm25_only = Components(dense=(), expansion=False, priors=False, links=False)
    assert hits_at_5(Components()) > hits_at_5(bm25_only)


def test_results_are_articles_with_scores_and_reasons(retriever):
    result = retriever.search("老板不给工钱怎么办", intent="wage_arrears", k=5)
    assert "劳动报酬" in result.expansions  # 工钱 -> 劳动报酬 from expansion.yml
    assert len(result.hits) == 5 and 0.0 <= result.confidence <= 1.0
    scores = [h.score for h in result.hits]
    assert scores == sorted(scores, reverse=True)
    for h in result.hits:
        assert isinstance(h.article, int) and h.text.startswith(h.label) and h.why
    assert any("意图wage_arrears先验" in h.why for h in result.hits)


def _repealed_sentence(settings):
    """A sentence that exists only in a repealed interpretation (read from the corpus, not copied)."""
    entry = next(e for e in load_manifest() if e.status == "repealed" and e.short_title.endswith("（三）"))
    from knowledge_base.corpus import parse_markdown

    articles = parse_markdown((settings.corpus_dir / entry.path).read_text(encoding="utf-8")).articles
    return entry.short_title, articles[0].text.split(" ", 1)[1][:60]


def test_repealed_text_is_searchable_as_history_but_never_returned_as_citable(retriever, settings):
    law, sentence = _repealed_sentence(settings)
    history = retriever.search(sentence, k=5, include_uncitable=True).hits
    assert law in {h.law for h in history}  # it is indexed, so the filter below is what keeps it out
    assert law not in {h.law for h in retriever.search(sentence, k=20).hits}


def test_confidence_is_low_for_out_of_scope_and_high_for_labour_questions(retriever):
    assert retriever.search("周末去哪里钓鱼比较好", k=3).low_confidence
    assert not retriever.search("公司拖欠工资三个月了怎么办", intent="wage_arrears", k=3).low_confidence
