"""The training data of the dialogue model, and Rasa NLU YAML read as plain (text, intent) pairs.

``assemble`` puts together what `rasa train` and `rasa data validate` read: the domain of bot/domain with
the fixed responses from the phrasebook, the NLU data of nlu_data/ and every answer card's phrasings.
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml

# [span](entity) or [span]{"entity": ...} annotations → span
_ANNOTATION = re.compile(r"\[([^\]]+)\](?:\([^)]*\)|\{[^}]*\})")


def strip_annotations(example: str) -> str:
    return _ANNOTATION.sub(r"\1", example)


def load_examples(*paths: Path) -> list[tuple[str, str]]:
    """All intent examples under the given files or directories, annotations removed."""
    files = sorted(f for p in paths for f in ([p] if p.is_file() else p.rglob("*.yml")))
    pairs: list[tuple[str, str]] = []
    for path in files:
        for block in (yaml.safe_load(path.read_text("utf-8")) or {}).get("nlu", []):
            if "intent" not in block:
                continue
            for line in block.get("examples", "").splitlines():
                line = line.strip()
                if line.startswith("- "):
                    pairs.append((strip_annotations(line[2:].strip()), block["intent"]))
    return pairs


def card_examples(kb_docs_dir: Path) -> list[tuple[str, str]]:
    """Every phrasing of every answer card as (text, intent): the card bank is labelled training data.
    Held-out phrasings live elsewhere (bench/data/heldout) and are never read here."""
    from knowledge_base.cards import load_cards

    return [(phrasing, card.intent) for card in load_cards(kb_docs_dir) for phrasing in card.phrasings]


def training_pairs(root: Path) -> list[tuple[str, str]]:
    """All NLU training examples: nlu_data/ and the answer cards, without repeats."""
    pairs = load_examples(root / "nlu_data") + card_examples(root / "knowledge_base" / "documents")
    return list(dict.fromkeys(pairs))


def write_rasa_nlu(pairs: list[tuple[str, str]], path: Path) -> None:
    """Rasa NLU YAML for (text, intent) pairs; texts that already are examples elsewhere are the caller's to drop."""
    by_intent: dict[str, list[str]] = {}
    for text, intent in pairs:
        by_intent.setdefault(intent, []).append(" ".join(text.split()))
    blocks = [{"intent": intent, "examples": "".join(f"- {t}\n" for t in texts)} for intent, texts in by_intent.items()]
    path.write_text(
        yaml.safe_dump({"version": "3.1", "nlu": blocks}, allow_unicode=True, sort_keys=False, width=10000),
        encoding="utf-8",
    )


def assemble(root: Path, out_dir: Path) -> tuple[Path, list[Path], list[Path]]:
    """Write the domain (bot/domain + the phrasebook's responses) and the cards' NLU examples under
    ``out_dir``; returns (domain directory, NLU data paths, rules and stories paths)."""
    import shutil

    from phrasebook import response_texts

    domain = out_dir / "domain"
    domain.mkdir(parents=True, exist_ok=True)
    for path in sorted((root / "bot" / "domain").glob("*.yml")):
        shutil.copy(path, domain / path.name)
    responses = {name: [{"text": text}] for name, text in response_texts().items()}
    (domain / "responses.yml").write_text(
        yaml.safe_dump({"version": "3.1", "responses": responses}, allow_unicode=True, sort_keys=False, width=10000),
        encoding="utf-8",
    )
    cards = out_dir / "cards_nlu.yml"
    known = set(load_examples(root / "nlu_data"))
    write_rasa_nlu([p for p in card_examples(root / "knowledge_base" / "documents") if p not in known], cards)
    synonyms = out_dir / "vocabulary_synonyms.yml"
    write_vocabulary_synonyms(synonyms)
    return domain, [root / "nlu_data", cards, synonyms], [root / "bot" / "data"]


def write_vocabulary_synonyms(path: Path) -> None:
    """Synonyms for the entity vocabulary's phrases whose canonical value differs (朝阳 -> 朝阳区, 工伤条例 ->
    工伤保险条例), for EntitySynonymMapper. Employer types already are synonyms in nlu_data/synonyms.yml."""
    from nlu.language.vocabulary import terms

    groups: dict[str, list[str]] = {}
    for term in terms():
        if term.label != "employer_type" and term.phrase != term.value:
            groups.setdefault(term.value, []).append(term.phrase)
    blocks = [{"synonym": value, "examples": "".join(f"- {p}\n" for p in phrases)} for value, phrases in groups.items()]
    path.write_text(
        yaml.safe_dump({"version": "3.1", "nlu": blocks}, allow_unicode=True, sort_keys=False, width=10000),
        encoding="utf-8",
    )
