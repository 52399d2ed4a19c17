"""The card ranker's signals, on a hand-made bank whose vectors say exactly how close each phrasing is."""

import numpy as np

from knowledge_base.card_match import FEATURES, CardMatcher
from knowledge_base.cards import card_from_dict

QUESTION = np.array([1.0, 0.0], dtype=np.float32)
CLOSE, FAR = [1.0, 0.0], [0.0, 1.0]  # cosine 1 and 0 with the question
NEAR = [0.8, 0.6]  # cosine 0.8


def _card(card_id: str, phrase: str) -> dict:
    return {
        "id": card_id,
        "intent": "wage_arrears",
        "question": f"{phrase}问题",
        "variants": [f"{phrase}说法{i}" for i in range(6)],
        "answer": "能。",
        "articles": [{"law": "劳动法", "article": 50}],
    }


def _matcher(only: str) -> CardMatcher:
    """Three cards of seven phrasings: one phrasing of the first is the question itself, all of the second
    are near it, none of the third. The ranking model weighs one signal only."""
    cards = [card_from_dict(_card("one-close", "甲")), card_from_dict(_card("all-near", "乙"))]
    cards.append(card_from_dict(_card("unrelated", "丙")))
    vectors = np.array([CLOSE] + [FAR] * 6 + [NEAR] * 7 + [FAR] * 7, dtype=np.float32)
    coefs = {name: 0.0 for name in FEATURES} | {"bias": 0.0, only: 10.0}
    return CardMatcher(cards, {"test": vectors}, {}, coefs)


def test_a_card_scores_by_its_share_of_the_nearest_phrasings_not_only_its_closest_one():
    query = {"test": QUESTION}
    by_closest = _matcher("dense").match("丁", k=3, query=query)
    assert [h.id for h in by_closest][:2] == ["one-close", "all-near"]
    by_share = _matcher("dense_nearest_share").match("丁", k=3, query=query)
    assert by_share[0].id == "all-near" and by_share[0].phrasing.startswith("乙")
    # Seven of the ten nearest are its own, one is the other card's; phrasings at cosine 0 are no neighbours.
    sigmoid = {h.id: h.probability for h in by_share}
    assert np.isclose(sigmoid["all-near"], 1 / (1 + np.exp(-7.0)))
    assert np.isclose(sigmoid["one-close"], 1 / (1 + np.exp(-1.0)))


def test_the_share_by_characters_counts_the_phrasings_that_share_the_most_characters():
    query = {"test": QUESTION}
    hits = _matcher("sparse_nearest_share").match("乙说法", k=3, query=query)
    # all seven of the named card's phrasings, then three of the others' that share only 说法
    assert hits[0].id == "all-near" and np.isclose(hits[0].probability, 1 / (1 + np.exp(-7.0)))
    assert all(h.probability <= 1 / (1 + np.exp(-3.0)) + 1e-9 for h in hits[1:])
