"""The corpus manifest (knowledge_base/manifest.yml): one entry per statute file with its legal status."""

from __future__ import annotations

import os
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path

import yaml

from .corpus import Document, load_policy_document, load_yaml, parse_markdown

MANIFEST_PATH = Path(__file__).with_name("manifest.yml")
DOC_TYPES = (
    "law",
    "administrative_regulation",
    "ministry_rule",
    "judicial_interpretation",
    "beijing_local_regulation",
    "typical_case",
    "union_policy",
)
STATUSES = ("in_force", "possibly_outdated", "repealed")
_HEADER_END = "documents:"


@dataclass
class ManifestEntry:
    path: str
    title: str
    short_title: str
    doc_type: str
    effective_date: str | None
    status: str
    note: str = ""

    def __post_init__(self) -> None:
        if self.doc_type not in DOC_TYPES:
            raise ValueError(f"{self.path}: unknown doc_type {self.doc_type!r}")
        if self.status not in STATUSES:
            raise ValueError(f"{self.path}: unknown status {self.status!r}")


def load_manifest(path: Path = MANIFEST_PATH) -> list[ManifestEntry]:
    data = load_yaml(path.read_text(encoding="utf-8")) or {}
    return [
        ManifestEntry(**{k: (None if v is None else str(v)) if k == "effective_date" else v for k, v in entry.items()})
        for entry in data.get("documents", [])
    ]


def save_manifest(entries: list[ManifestEntry], path: Path = MANIFEST_PATH) -> None:
    """Rewrite the manifest atomically, keeping the comment header above `documents:`."""
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    header = text[: text.index(_HEADER_END)] if _HEADER_END in text else ""
    body = yaml.safe_dump({"documents": [asdict(e) for e in entries]}, allow_unicode=True, sort_keys=False, width=200)
    atomic_write_text(path, header + body)


def atomic_write_text(path: Path, text: str) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(text)
    os.replace(tmp, path)


def corpus_files(corpus_dir: Path) -> list[str]:
    """Every statute/case Markdown file of the corpus (SOURCES.md is documentation, not a document)."""
    return sorted(str(p.relative_to(corpus_dir)) for p in corpus_dir.rglob("*.md") if p.name != "SOURCES.md")


def coverage(corpus_dir: Path, entries: list[ManifestEntry]) -> tuple[list[str], list[str]]:
    """(files in the corpus missing from the manifest, manifest entries with no file)."""
    files, listed = set(corpus_files(corpus_dir)), {e.path for e in entries}
    return sorted(files - listed), sorted(listed - files)


def load_corpus_documents(corpus_dir: Path, entries: list[ManifestEntry]) -> list[Document]:
    missing, stale = coverage(corpus_dir, entries)
    if missing or stale:
        raise ValueError(f"manifest out of step with {corpus_dir}: unlisted {missing}, absent {stale}")
    docs = []
    for e in entries:
        parsed = parse_markdown((corpus_dir / e.path).read_text(encoding="utf-8"), law=e.short_title)
        docs.append(
            Document(
                title=e.title,
                short_title=e.short_title,
                doc_type=e.doc_type,
                status=e.status,
                effective_date=e.effective_date,
                source_path=e.path,
                history=parsed.history,
                articles=parsed.articles,
                note=e.note,
            )
        )
    return docs


def load_policy_documents(kb_docs_dir: Path) -> list[Document]:
    policy_dir = kb_docs_dir / "policy"
    return [load_policy_document(p, kb_docs_dir) for p in sorted(policy_dir.glob("*.md"))]
