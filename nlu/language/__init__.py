"""The project's Chinese language pipeline on spaCy: ``spacy.blank("zh")`` with jieba and the project's user
words, an entity ruler over the one entity vocabulary (vocabulary.py), quantities with normalised values
and personal numbers (components.py). Built reproducibly from the repository's data into models/spacy_zh;
Rasa loads it with its spaCy components (bot/config.yml), the app for facts in answers and for masking.

    from nlu.language import entities, mask_pii
"""

from __future__ import annotations

import hashlib
import json
import shutil
import tempfile
from datetime import date
from functools import lru_cache
from pathlib import Path

import spacy
from spacy.language import Language

from nlu.language import components, vocabulary

ROOT = Path(__file__).resolve().parents[2]
PIPELINE_DIR = ROOT / "models" / "spacy_zh"  # bot/config.yml names the same path for Rasa
JIEBA_DICT = ROOT / "bot" / "jieba_dict" / "labor_terms.txt"
RULER_LABELS = ("district", "city", "employer_type", "law")
FORMAT = "1"


def inputs_hash() -> str:
    h = hashlib.sha256(FORMAT.encode())
    for path in [
        *vocabulary.source_files(),
        JIEBA_DICT,
        Path(components.__file__),
        Path(__file__),
        ROOT / "nlu" / "zh_parse.py",
    ]:
        h.update(path.read_bytes())
    return h.hexdigest()[:16]


def build_nlp() -> Language:
    """The pipeline, made from the repository's data with this environment's spaCy."""
    nlp = spacy.blank("zh", config={"nlp": {"tokenizer": {"@tokenizers": "laborbot.jieba_tokenizer.v1"}}})
    terms = vocabulary.terms()
    legal_words = [line.split()[0] for line in JIEBA_DICT.read_text("utf-8").splitlines() if line.strip()]
    nlp.tokenizer.set_words([*legal_words, *(t.phrase for t in terms)])
    ruler = nlp.add_pipe("entity_ruler", config={"phrase_matcher_attr": "LOWER"})
    ruler.add_patterns([{"label": t.label, "pattern": t.phrase, "id": t.value} for t in terms])
    nlp.add_pipe("laborbot_quantities")
    nlp.add_pipe("laborbot_pii")
    nlp.meta.update(
        {
            "name": "laborbot_zh",
            "version": "1.0.0",
            "description": "laborbot 中文管道",
            "laborbot_inputs": inputs_hash(),
        }
    )
    return nlp


def build(target: Path = PIPELINE_DIR) -> Path:
    """Write the pipeline for Rasa's SpacyNLP (replaced whole, so a reader never sees half of it). Run it
    with Rasa's interpreter (`laborbot train` does): a pipeline loads in its own spaCy version or a newer
    one, not an older one. The app and the action server build the same pipeline in memory instead."""
    target.parent.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(dir=target.parent, prefix=f".{target.name}-"))
    build_nlp().to_disk(scratch)
    shutil.rmtree(target, ignore_errors=True)
    scratch.rename(target)
    return target


def is_current(target: Path = PIPELINE_DIR) -> bool:
    try:
        meta = json.loads((target / "meta.json").read_text("utf-8"))
    except (OSError, ValueError):
        return False
    return meta.get("laborbot_inputs") == inputs_hash()


@lru_cache(maxsize=1)
def pipeline() -> Language:
    """This process's pipeline (about a second to make, once)."""
    return build_nlp()


def entities(text: str, today: date | None = None) -> list[dict]:
    """Rasa-style entities {entity, value, start, end} of ``text``; dates resolved against ``today``."""
    doc = pipeline()(text)
    if today is not None:
        doc._.quantities = components.find_entities(text, today)
    return doc_entities(doc)


def doc_entities(doc) -> list[dict]:
    """The entities of a processed doc: vocabulary phrases with their canonical value, quantities with
    normalised values, phone numbers and valid ID numbers (digits only). A number that is a phone or ID
    number is not also money or a date."""
    personal = [s for s in doc.spans[components.PII_SPANS] if s.label_ in ("phone", "id_number")]
    found = [
        {"entity": e.label_, "value": e.ent_id_ or e.text, "start": e.start_char, "end": e.end_char}
        for e in doc.ents
        if e.label_ in RULER_LABELS
    ]
    found += [
        q
        for q in doc._.quantities or []
        if all(q["end"] <= s.start_char or q["start"] >= s.end_char for s in doc.spans[components.PII_SPANS])
    ]
    for span in personal:
        digits = "".join(ch for ch in span.text.translate(components.DIGIT_LIKE) if ch.isdigit() or ch in "Xx").upper()
        if span.label_ == "phone" and len(digits) == 13 and digits.startswith("86"):
            digits = digits[2:]  # +86
        if span.label_ == "phone" or components.id_checksum_ok(digits):
            found.append({"entity": span.label_, "value": digits, "start": span.start_char, "end": span.end_char})
    return sorted(found, key=lambda e: e["start"])


def personal_number_spans(text: str) -> list[tuple[int, int, str]]:
    """(start, end, label) of every phone, ID and bank-card number: tokenizer and the finder only."""
    nlp = pipeline()
    doc = nlp.get_pipe("laborbot_pii")(nlp.make_doc(text))
    return [(s.start_char, s.end_char, s.label_) for s in doc.spans[components.PII_SPANS]]


_KEEP = {"id_number": (6, 4), "phone": (3, 4), "bank_card": (4, 4)}  # digits left visible at head and tail


def mask_pii(text: str) -> str:
    """Hide phone numbers (139****5678), ID numbers (110101********1234) and card numbers, however typed."""
    shadow = text.translate(components.DIGIT_LIKE)
    out, last = [], 0
    for start, end, label in personal_number_spans(text):
        head, tail = _KEEP[label]
        positions = [i for i in range(start, end) if shadow[i].isdigit() or shadow[i] in "Xx"]
        if label == "phone" and len(positions) == 13:
            head += 2  # +86 before a mobile number
        hidden = set(positions[head : len(positions) - tail])
        out += [text[last:start], "".join("*" if i in hidden else text[i] for i in range(start, end))]
        last = end
    return "".join(out + [text[last:]])
