import json

import pytest

from knowledge_base.corpus import cn_to_int, parse_markdown, short_title, split_front_matter


@pytest.mark.parametrize(
    "text,value",
    [
        ("一", 1),
        ("十", 10),
        ("十二", 12),
        ("二十", 20),
        ("四十七", 47),
        ("一百", 100),
        ("一百零八", 108),
        ("一百一十九", 119),
        ("98", 98),
    ],
)
def test_cn_to_int(text, value):
    assert cn_to_int(text) == value


def test_cn_to_int_rejects_non_numerals():
    with pytest.raises(ValueError):
        cn_to_int("条")


def test_short_title_drops_only_leading_prc():
    assert short_title("中华人民共和国劳动合同法") == "劳动合同法"
    assert short_title("北京市实施《中华人民共和国工会法》办法") == "北京市实施《中华人民共和国工会法》办法"


def test_labour_contract_law_articles_chapters_items(settings):
    text = (settings.corpus_dir / "社会法" / "劳动合同法(2012-12-28).md").read_text(encoding="utf-8")
    parsed = parse_markdown(text)
    assert parsed.title == "中华人民共和国劳动合同法"
    assert parsed.history[0].startswith("2007年6月29日")
    numbers = [a.number for a in parsed.articles]
    assert numbers == list(range(1, 99))
    art47 = parsed.articles[46]
    assert art47.law == "劳动合同法" and art47.label == "第四十七条"
    assert art47.text.startswith("第四十七条 经济补偿按劳动者在本单位工作的年限")
    assert "六个月以上不满一年的" in art47.text  # continuation paragraph kept with its article
    assert art47.chapter == "第四章 劳动合同的解除和终止"
    art39 = parsed.articles[38]
    assert len(art39.items) == 6 and art39.items[0].startswith("（一）在试用期间被证明不符合录用条件")


def test_article_suffix_zhiyi_and_items():
    parsed = parse_markdown(
        (__import__("pathlib").Path(__file__).parent / "fixtures/corpus/法律/示例劳动法.md").read_text(encoding="utf-8")
    )
    labels = [(a.label, a.number, a.sub) for a in parsed.articles]
    assert ("第三条之一", 3, 1) in labels
    art3 = next(a for a in parsed.articles if a.label == "第三条")
    assert art3.items == ["（一）用人单位未及时足额支付劳动报酬的；", "（二）用人单位未依法缴纳社会保险费的。"]
    assert art3.chapter == "第二章 解除"


def test_every_statute_parses_to_the_article_count_in_sources(settings):
    sources = json.loads((settings.corpus_dir / "sources.json").read_text(encoding="utf-8"))
    for f in sources["files"]:
        path = settings.corpus_dir / f["path"]
        if not path.exists():
            continue
        parsed = parse_markdown(path.read_text(encoding="utf-8"))
        numbered = [a for a in parsed.articles if a.number is not None]
        assert len(numbered) == f["articles"], f["path"]
        if not numbered and "_index" not in f["path"]:
            assert parsed.articles, f"{f['path']}: text without articles must still yield sections"


def test_front_matter_split():
    meta, body = split_front_matter("---\ntitle: 示例\nstatus: in_force\n---\n\n第一条 内容")
    assert meta == {"title": "示例", "status": "in_force"}
    assert body.startswith("第一条")
