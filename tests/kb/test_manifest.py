from knowledge_base.manifest import DOC_TYPES, coverage, load_corpus_documents, load_manifest, load_policy_documents

REPEALED = {
    "最高人民法院关于审理劳动争议案件适用法律若干问题的解释",
    "最高人民法院关于审理劳动争议案件适用法律若干问题的解释（二）",
    "最高人民法院关于审理劳动争议案件适用法律若干问题的解释（三）",
    "最高人民法院关于审理劳动争议案件适用法律若干问题的解释（四）",
}


def test_manifest_covers_every_corpus_file(settings):
    missing, stale = coverage(settings.corpus_dir, load_manifest())
    assert missing == [] and stale == []


def test_manifest_entries_are_well_formed():
    entries = load_manifest()
    assert len({e.short_title for e in entries}) == len(entries)
    for e in entries:
        assert e.doc_type in DOC_TYPES
        assert not e.short_title.startswith("中华人民共和国")
        assert e.title.endswith(e.short_title)


def test_the_four_repealed_interpretations_are_repealed_and_nothing_else_is():
    repealed = {e.title for e in load_manifest() if e.status == "repealed"}
    assert repealed == REPEALED


def test_corpus_loads_with_statuses(settings):
    docs = {d.short_title: d for d in load_corpus_documents(settings.corpus_dir, load_manifest())}
    assert docs["劳动合同法"].citable and len(docs["劳动合同法"].articles) == 98
    assert not docs["最高人民法院关于审理劳动争议案件适用法律若干问题的解释（二）"].citable


def test_policy_documents_have_source_and_review_date(settings):
    docs = load_policy_documents(settings.kb_docs_dir)
    assert docs, "union-policy documents are expected in the repo"
    for d in docs:
        assert d.doc_type == "union_policy" and d.source and d.review_date, d.source_path
        assert d.articles, d.source_path
