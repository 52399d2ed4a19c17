"""Answer composition and the public KnowledgeBase API on the real corpus index."""
import re

import pytest

from knowledge_base.answer import LOW_CONFIDENCE_REASON, book_title
from knowledge_base.manifest import load_manifest
from knowledge_base.service import KnowledgeBase

pytestmark = pytest.mark.slow


@pytest.fixture(scope="session")
def kb(real_index, settings):
    loaded = KnowledgeBase.load(settings.model_copy(update={"index_dir": real_index.parent}))
    assert loaded.ready and loaded.version == real_index.name
    return loaded


def test_answer_has_conclusion_quotes_next_steps_and_disclaimer(kb):
    answer = kb.answer("老板拖着三个月工资不发，我该怎么办", "wage_arrears", [])
    assert not answer.low_confidence and 0.5 <= answer.confidence <= 1.0
    assert 1 <= len(answer.citations) <= 3
    for c in answer.citations:
        assert set(c) == {"law", "article", "text"} and isinstance(c["article"], int)
        assert not c["law"].startswith("中华人民共和国")
    first = answer.citations[0]
    lines = answer.text.split("\n")
    assert lines[0] and "法律依据：" in lines and "下一步建议：" in lines
    assert book_title(first["law"]) + first["text"].split(" ", 1)[0] in answer.text
    assert re.search(r"12333|仲裁", answer.text) and "12351" in answer.text and "转人工" in answer.text


def test_citation_text_is_the_article_from_the_index(kb):
    answer = kb.answer("干了三年被辞退，经济补偿怎么算", "dismissal", [])
    cited = {(c["law"], c["article"]): c["text"] for c in answer.citations}
    assert ("劳动合同法", 47) in cited
    assert cited[("劳动合同法", 47)].startswith("第四十七条 经济补偿按劳动者在本单位工作的年限")


def test_repealed_interpretations_are_never_cited(kb, settings):
    repealed = {e.short_title for e in load_manifest() if e.status == "repealed"}
    from knowledge_base.corpus import parse_markdown

    for entry in (e for e in load_manifest() if e.status == "repealed"):
        text = (settings.corpus_dir / entry.path).read_text(encoding="utf-8")
        for article in parse_markdown(text).articles[:3]:
            answer = kb.answer(article.text, "dispute_procedure", [])
            assert not repealed & {c["law"] for c in answer.citations}


def test_out_of_scope_question_is_not_answered_but_escalated(kb):
    answer = kb.answer("我老婆要跟我离婚，孩子抚养权归谁", None, [])
    assert answer.low_confidence and answer.citations == []
    assert LOW_CONFIDENCE_REASON in answer.reasons


def test_other_city_gets_national_rules_only(kb):
    entities = [{"entity": "city", "value": "上海", "start": 0, "end": 2}]
    answer = kb.answer("上海的公司想成立工会，老板不同意", "union_membership", entities)
    assert "上海" in answer.text
    assert not any(c["law"].startswith("北京市") for c in answer.citations)


def test_search_api_returns_hits(kb):
    hits = kb.search("工伤认定要多久", intent="work_injury", k=3)
    assert len(hits) == 3 and all(h.citable for h in hits)


def test_union_service_question_is_answered_from_policy_documents(kb, settings):
    from knowledge_base.manifest import load_policy_documents

    answer = kb.answer("家里生活困难，想找工会申请帮扶", "union_services", [])
    assert not answer.low_confidence
    assert "工会服务：" in answer.text
    policy_titles = {d.short_title for d in load_policy_documents(settings.kb_docs_dir)}
    assert not policy_titles & {c["law"] for c in answer.citations}  # guides inform the text; citations are statutes


def test_nested_title_marks_are_typeset():
    assert book_title("北京市实施《中华人民共和国工会法》办法") == "《北京市实施〈中华人民共和国工会法〉办法》"


def test_article_lookup_for_staff_pages(kb):
    chunk = kb.article("劳动合同法", 82)
    assert chunk is not None and chunk.label == "第八十二条" and chunk.citable
    assert kb.article("劳动合同法", 999) is None
