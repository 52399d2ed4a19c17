"""The training data honours the taxonomy contract, the volume targets and the no-leak rule."""

from __future__ import annotations

import collections
import json
import re
import subprocess

import pytest
import yaml

from api.assistant.intents import ALL_INTENTS, DIALOGUE_INTENTS, OUT_OF_SCOPE, TOPIC_INTENTS
from api.core.settings import PROJECT_ROOT
from nlu.training_data import load_examples

SHARED = PROJECT_ROOT.parent / "shared"
TAXONOMY = yaml.safe_load((SHARED / "taxonomy.yml").read_text("utf-8"))
EXAMPLES = load_examples(PROJECT_ROOT / "nlu_data")
COUNTS = collections.Counter(intent for _, intent in EXAMPLES)


def test_intent_groups_match_the_taxonomy():
    assert TOPIC_INTENTS | {OUT_OF_SCOPE} == set(TAXONOMY["topic_intents"])
    assert DIALOGUE_INTENTS == set(TAXONOMY["dialogue_intents"])


def test_domain_declares_the_taxonomy_intents_and_the_apps_own():
    """app_reply is never predicted by the NLU: the app sends it for what must be said whatever the dialogue."""
    domain = yaml.safe_load((PROJECT_ROOT / "bot" / "domain" / "intents.yml").read_text("utf-8"))
    assert set(domain["intents"]) == ALL_INTENTS | {"app_reply"}
    assert "app_reply" not in COUNTS


def test_training_data_covers_only_taxonomy_intents():
    assert set(COUNTS) == ALL_INTENTS


@pytest.mark.parametrize("intent", sorted(TOPIC_INTENTS | {OUT_OF_SCOPE}))
def test_at_least_60_examples_per_topic_intent(intent):
    assert COUNTS[intent] >= 60


@pytest.mark.parametrize("intent", sorted(DIALOGUE_INTENTS))
def test_at_least_20_examples_per_dialogue_intent(intent):
    assert COUNTS[intent] >= 20


def test_no_example_is_labelled_twice():
    labels = collections.defaultdict(set)
    for text, intent in EXAMPLES:
        labels[text].add(intent)
    assert not {t: i for t, i in labels.items() if len(i) > 1}


def test_every_annotated_employer_type_maps_to_a_canonical_value():
    synonyms = {
        value
        for block in yaml.safe_load((PROJECT_ROOT / "nlu_data" / "synonyms.yml").read_text("utf-8"))["nlu"]
        for value in [block["synonym"], *re.findall(r"^\s*- (.+)$", block["examples"], re.M)]
    }
    annotated = set()
    for path in (PROJECT_ROOT / "nlu_data").rglob("*.yml"):
        annotated |= set(re.findall(r"\[([^\]]+)\]\(employer_type\)", path.read_text("utf-8")))
    assert annotated and annotated <= synonyms, annotated - synonyms


def test_no_evaluation_question_leaks_into_the_repository():
    """No 14-character run of a dev question appears in any tracked text file."""
    squash = lambda s: re.sub(r"\s+", "", s)  # noqa: E731
    questions = [squash(json.loads(line)["question"]) for line in (SHARED / "eval" / "dev.jsonl").open()]
    grams = {q[i : i + 14] for q in questions for i in range(0, max(0, len(q) - 14), 2)}
    files = subprocess.run(["git", "ls-files"], cwd=PROJECT_ROOT, capture_output=True, text=True).stdout.split()
    leaks = []
    for name in files:
        if name.endswith((".yml", ".yaml", ".md", ".json", ".jsonl", ".txt", ".py")):
            body = squash((PROJECT_ROOT / name).read_text("utf-8", errors="ignore"))
            if any(gram in body for gram in grams):
                leaks.append(name)
    assert not leaks
