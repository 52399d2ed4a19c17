"""The project's parts of the spaCy pipeline, registered with spaCy when this module is imported:

- ``laborbot.jieba_tokenizer.v1``: jieba with the project's legal terms and every vocabulary phrase as
  user words (kept in the pipeline directory), in its own jieba instance, so an entity phrase is one token
  the entity ruler can match;
- ``laborbot_quantities``: money, durations, dates, head counts and disability grades with their
  normalised values (nlu/zh_parse.py), as entities and as ``doc._.quantities`` with exact offsets;
- ``laborbot_pii``: phone, ID and bank-card numbers however typed (139.5555.1313, spaced digits, Chinese
  numerals), found by a spaCy Matcher over runs of digit tokens and classified by their digits, as
  ``doc.spans["pii"]``. Public hotlines are never personal data.
"""

import re
from collections.abc import Iterable
from pathlib import Path

import srsly
from spacy.language import Language
from spacy.matcher import Matcher
from spacy.tokens import Doc, Span
from spacy.util import DummyTokenizer, ensure_path, filter_spans, get_words_and_spaces, registry

from nlu.zh_parse import find_entities

USER_WORD_FREQ = 200_000  # high enough that jieba keeps a vocabulary phrase whole
PII_SPANS = "pii"

if not Doc.has_extension("quantities"):
    Doc.set_extension("quantities", default=None)


class DomainJiebaTokenizer(DummyTokenizer):
    def __init__(self, vocab, words: Iterable[str] = ()) -> None:
        self.vocab = vocab
        self.words: list[str] = list(words)
        self._jieba = None

    def set_words(self, words: Iterable[str]) -> None:
        self.words, self._jieba = sorted(set(words)), None

    @property
    def jieba(self):
        if self._jieba is None:
            import jieba

            segmenter = jieba.Tokenizer()
            for word in self.words:
                segmenter.add_word(word, USER_WORD_FREQ)
            self._jieba = segmenter
        return self._jieba

    def __call__(self, text: str) -> Doc:
        words = [w for w in self.jieba.cut(text, HMM=True) if w]
        words, spaces = get_words_and_spaces(words, text)
        return Doc(self.vocab, words=words, spaces=spaces)

    def to_bytes(self, **kwargs) -> bytes:
        return srsly.msgpack_dumps({"words": self.words})

    def from_bytes(self, data: bytes, **kwargs):
        self.set_words(srsly.msgpack_loads(data)["words"])
        return self

    def to_disk(self, path, **kwargs) -> None:
        path = ensure_path(path)
        path.mkdir(parents=True, exist_ok=True)
        (path / "user_words.txt").write_text("\n".join(self.words), encoding="utf-8")

    def from_disk(self, path, **kwargs):
        words = (Path(path) / "user_words.txt").read_text(encoding="utf-8").splitlines()
        self.set_words(w for w in words if w)
        return self


@registry.tokenizers("laborbot.jieba_tokenizer.v1")
def create_tokenizer():
    def make(nlp: Language) -> DomainJiebaTokenizer:
        return DomainJiebaTokenizer(nlp.vocab)

    return make


class QuantityTagger:
    def __call__(self, doc: Doc) -> Doc:
        found = find_entities(doc.text)
        doc._.quantities = found
        spans = [doc.char_span(f["start"], f["end"], label=f["entity"], alignment_mode="expand") for f in found]
        doc.ents = filter_spans([*doc.ents, *(s for s in spans if s is not None)])
        return doc


@Language.factory("laborbot_quantities")
def create_quantities(nlp: Language, name: str) -> QuantityTagger:
    return QuantityTagger()


# --- personal numbers ------------------------------------------------------------------------------------

# One character for one character, so spans stay the same: full-width and spoken digits to ASCII digits.
DIGIT_LIKE = str.maketrans(
    {
        **{chr(0xFF10 + i): str(i) for i in range(10)},
        **{
            ch: str(d)
            for ch, d in (
                ("零", 0),
                ("〇", 0),
                ("一", 1),
                ("幺", 1),
                ("二", 2),
                ("三", 3),
                ("四", 4),
                ("五", 5),
                ("六", 6),
                ("七", 7),
                ("八", 8),
                ("九", 9),
            )
        },
    }
)
_NUMBER_TOKEN = r"^[0-9０-９零〇一幺二三四五六七八九xX .\-_·()（）]+$"
PUBLIC_NUMBERS = frozenset({"01082951332", "4001619995", "12356", "12351", "12333", "12348", "12315", "12345"})


class PiiFinder:
    """Runs of number tokens (digits however written, with the separators people type between groups),
    classified by their digits: 11 digits from 13–19 a mobile, 0 and 10–12 digits a landline, 15 or 18 an
    ID number, 16 or more otherwise a bank card."""

    def __init__(self, nlp: Language) -> None:
        self.matcher = Matcher(nlp.vocab)
        self.matcher.add("number_run", [[{"TEXT": {"REGEX": _NUMBER_TOKEN}, "OP": "+"}]], greedy="LONGEST")

    def __call__(self, doc: Doc) -> Doc:
        spans = []
        for _, start, end in self.matcher(doc):
            span = self._trimmed(doc[start:end])
            label = classify(span.text.translate(DIGIT_LIKE)) if span is not None else None
            if label:
                spans.append(Span(doc, span.start, span.end, label=label))
        doc.spans[PII_SPANS] = filter_spans(spans)
        return doc

    @staticmethod
    def _trimmed(span: Span):
        """Without separators at either end ("(" before, "-" after)."""
        tokens = [t for t in span if re.search(r"[0-9０-９零〇一幺二三四五六七八九]", t.text)]
        return span.doc[tokens[0].i : tokens[-1].i + 1] if tokens else None


@Language.factory("laborbot_pii")
def create_pii(nlp: Language, name: str) -> PiiFinder:
    return PiiFinder(nlp)


_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def id_checksum_ok(number: str) -> bool:
    """GB 11643-1999 check character of an 18-character resident ID (15-digit ones have none)."""
    if len(number) == 15:
        return number.isdigit()
    return (
        len(number) == 18
        and number[:17].isdigit()
        and "10X98765432"[sum(int(ch) * w for ch, w in zip(number[:17], _ID_WEIGHTS)) % 11] == number[17].upper()
    )


def classify(text: str) -> str | None:
    """phone | id_number | bank_card | None for the digits of one run."""
    digits = re.sub(r"[^0-9Xx]", "", text)
    if len(digits) == 13 and digits.startswith("86") and re.match(r"1[3-9]", digits[2:]):
        digits = digits[2:]  # +86 and a mobile number
    plain = digits.rstrip("Xx")
    if plain in PUBLIC_NUMBERS or not plain.isdigit():
        return None
    if len(digits) in (15, 18) and digits[0] != "0" and digits[:-1].isdigit():
        return "id_number"
    if len(plain) == 11 and re.match(r"1[3-9]", plain):
        return "phone"
    if plain.startswith("0") and 10 <= len(plain) <= 12 and plain[1] != "0":
        return "phone"  # a landline with its area code
    if len(plain) >= 16:
        return "bank_card"  # or an ID typed with a stray digit: masked all the same
    return None
