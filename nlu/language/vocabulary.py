"""The entity vocabulary, one for the NLU, the answers and the masking: Beijing districts and cities
(nlu_data/lookups), employer types (nlu_data/synonyms.yml) and statute names (knowledge_base/manifest.yml
and nlu_data/lookups/law_aliases.yml), each phrase with the canonical value it stands for."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
LOOKUPS = ROOT / "nlu_data" / "lookups"
SYNONYMS = ROOT / "nlu_data" / "synonyms.yml"
MANIFEST = ROOT / "knowledge_base" / "manifest.yml"
LAW_PREFIX = "中华人民共和国"


@dataclass(frozen=True)
class Term:
    label: str  # district | city | employer_type | law
    phrase: str  # as workers write it
    value: str  # the canonical value


def _examples(block: dict) -> list[str]:
    return [line[2:].strip() for line in block.get("examples", "").splitlines() if line.strip().startswith("- ")]


def _lookup(name: str) -> list[str]:
    for path in sorted(LOOKUPS.glob("*.yml")):
        for block in (yaml.safe_load(path.read_text("utf-8")) or {}).get("nlu", []):
            if block.get("lookup") == name:
                return _examples(block)
    return []


def districts() -> list[Term]:
    """朝阳 and 朝阳区 both stand for 朝阳区."""
    names = _lookup("district")
    full = {n for n in names if n.endswith("区")}
    return [Term("district", n, n if n in full else f"{n}区" if f"{n}区" in full else n) for n in names]


def cities() -> list[Term]:
    """上海市 and 上海 both stand for 上海 (the short form where the list has one)."""
    names = _lookup("city")
    short = set(names)
    return [Term("city", n, n[:-1] if n.endswith("市") and n[:-1] in short else n) for n in names]


def employer_types() -> list[Term]:
    terms = []
    for block in (yaml.safe_load(SYNONYMS.read_text("utf-8")) or {}).get("nlu", []):
        if "synonym" in block:
            canonical = str(block["synonym"])
            terms += [Term("employer_type", p, canonical) for p in [canonical, *_examples(block)]]
    return terms


def laws() -> list[Term]:
    documents = (yaml.safe_load(MANIFEST.read_text("utf-8")) or {}).get("documents", [])
    terms = []
    for doc in documents:
        if doc.get("status") == "repealed":
            continue
        short = str(doc["short_title"])
        terms += [Term("law", name, short) for name in {short, str(doc["title"]), LAW_PREFIX + short}]
    aliases = yaml.safe_load((LOOKUPS / "law_aliases.yml").read_text("utf-8")).get("aliases", {})
    return terms + [Term("law", alias, str(short)) for alias, short in aliases.items()]


def terms() -> list[Term]:
    """Every phrase once; where two groups list the same phrase, the first (districts, cities, employers,
    laws) keeps it."""
    seen: dict[str, Term] = {}
    for term in [*districts(), *cities(), *employer_types(), *laws()]:
        seen.setdefault(term.phrase.lower(), term)
    return list(seen.values())


def source_files() -> list[Path]:
    """What the vocabulary is built from (the pipeline is rebuilt when one changes)."""
    return [*sorted(LOOKUPS.glob("*.yml")), SYNONYMS, MANIFEST]
