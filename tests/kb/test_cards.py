"""The answer-card bank as data: every card well formed and resting on in-force articles, no phrasing on two
cards, stable ids, at least 15 cards per topic, and held-out phrasings that are not training data."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import yaml

from knowledge_base.cards import bank_problems, load_cards, main, normalise
from nlu.training_data import load_examples

REPO = Path(__file__).resolve().parents[2]
DOCS = REPO / "knowledge_base" / "documents"
TAXONOMY = REPO.parent / "shared" / "taxonomy.yml"


def test_the_checker_finds_nothing_wrong_in_the_bank(capsys):
    """Every card: schema, ≥ 6 variants, a direct answer ≤ 160 characters, articles that exist and are in force
    (the four repealed interpretations are refused), known related cards, no phrasing on two cards."""
    assert main(["check"]) == 0, capsys.readouterr().out


def test_the_checker_catches_a_broken_card():
    card = load_cards(DOCS)[0]
    broken = type(card)(
        **{
            **card.__dict__,
            "variants": card.variants[:2],
            "answer": "",
            "articles": [("最高人民法院关于审理劳动争议案件适用法律若干问题的解释", 1)],
            "premise": "elderly",
        }
    )
    problems = bank_problems([broken, card], citable=set(card.articles), topic_intents={card.intent})
    assert any("variants" in p for p in problems) and any("no direct answer" in p for p in problems)
    assert any("not in force" in p for p in problems) and any("appears twice" in p for p in problems)
    assert any("unknown premise" in p for p in problems)


def test_no_phrasing_of_a_card_states_an_age_its_premise_rules_out():
    """A card for workers below retirement age is never taught with a 67-year-old's story: the answer would
    rule out the very phrasings it learnt from."""
    from knowledge_base.facts import analyse, contradicts

    cards = [c for c in load_cards(DOCS) if c.premise]
    assert len(cards) >= 20
    assert [(c.id, p) for c in cards for p in c.phrasings if contradicts(c.premise, analyse(p))] == []


def test_at_least_15_cards_for_every_topic_and_400_in_all():
    topics = set(yaml.safe_load(TAXONOMY.read_text(encoding="utf-8"))["topic_intents"])
    per_topic = Counter(c.intent for c in load_cards(DOCS))
    assert sum(per_topic.values()) >= 400
    assert {t: per_topic[t] for t in topics if per_topic[t] < 15} == {}


def test_card_ids_are_stable():
    published = [
        ln
        for ln in (REPO / "knowledge_base" / "data" / "card_ids.txt").read_text().splitlines()
        if ln and not ln.startswith("#")
    ]
    current = {c.id for c in load_cards(DOCS)}
    assert sorted(set(published) - current) == [], "retire a card (status: retired) instead of renaming it"


def test_held_out_phrasings_are_never_training_data():
    training = {normalise(t) for t, _ in load_examples(REPO / "nlu_data")}
    training |= {normalise(p) for c in load_cards(DOCS) for p in c.phrasings}
    held = [
        r
        for path in sorted((REPO / "bench" / "data" / "heldout").glob("*.yml"))
        for r in yaml.safe_load(path.read_text(encoding="utf-8"))["heldout"]
    ]
    ids = {c.id for c in load_cards(DOCS)}
    assert len(held) >= 2 * len(ids) * 0.9
    assert {r["card"] for r in held} <= ids
    assert [r["text"] for r in held if normalise(r["text"]) in training] == []
