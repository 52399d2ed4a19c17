"""The trained model, served by the real Rasa server, on phrasings it never saw in training."""

from __future__ import annotations

import collections

import httpx
import pytest

from api.core.settings import PROJECT_ROOT
from api.nlu.client import ParseResult
from nlu.training_data import load_examples

pytestmark = pytest.mark.slow

HELDOUT = load_examples(PROJECT_ROOT / "tests" / "data" / "nlu_heldout")


def parse(product, text: str) -> ParseResult:
    response = httpx.post(
        f"{product.rasa_url}/model/parse",
        json={"text": text},
        timeout=30,
        params={"token": product.resolved_rasa_token()},
    )
    response.raise_for_status()
    return ParseResult.from_rasa(response.json())


def test_heldout_phrasings_are_classified(product):
    misses = collections.Counter()
    for text, gold in HELDOUT:
        if parse(product, text).intent != gold:
            misses[gold] += 1
    accuracy = 1 - sum(misses.values()) / len(HELDOUT)
    assert accuracy >= 0.85, (accuracy, misses.most_common())
    # no intent may be systematically lost
    per_intent = collections.Counter(gold for _, gold in HELDOUT)
    assert all(misses[i] / per_intent[i] <= 0.5 for i in per_intent), misses


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("我在海淀区干了三年半 月薪8千 被开除了", {("district", "海淀区"), ("duration", None), ("money", "8000")}),
        ("深圳的电子厂欠我们三十多个工友两个月工资", {("city", "深圳"), ("headcount", None)}),
        ("我电话13912345678 身份证110101199003071234", {("phone", None)}),
        ("去年三月入职的", {("date", None)}),
        ("包工头跑了 工地上二十来号人没拿到钱", {("employer_type", "建筑工地"), ("headcount", None)}),
    ],
)
def test_entities_are_extracted_with_exact_spans(product, text, expected):
    entities = parse(product, text).entities
    found = {(e["entity"], e["value"]) for e in entities} | {(e["entity"], None) for e in entities}
    assert expected <= found, entities
    for e in entities:
        assert 0 <= e["start"] < e["end"] <= len(text)
