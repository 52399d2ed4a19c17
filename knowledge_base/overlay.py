"""Staff overlay: what policy staff change in /admin, layered over the repo's documents at build time.

    overlay_dir/                 (settings.kb_staff_dir, under var/: a fresh clone has none and builds
      policy/<name>.md            from the repo defaults alone)
                                 union-policy documents; a file named like a repo document replaces it
      faq/<card id>.yml          `cards:` with one card; same id as a repo card replaces it,
                                 `status: retired` on the card removes it from the build
      corpus_status.yml          {short title: {status, note}} overriding knowledge_base/manifest.yml

The web app writes these files (api/admin); the build only reads them.
"""

from __future__ import annotations

import re
from pathlib import Path

from .cards import CARD_ID, AnswerCard, card_from_dict
from .cards import load_cards as load_repo_cards
from .corpus import Document, load_policy_document, load_yaml
from .manifest import ManifestEntry

CORPUS_STATUS_FILE = "corpus_status.yml"
RETIRED = "retired"
POLICY_DIR, FAQ_DIR = "policy", "faq"
# Keys staff pages pass around: a policy file name, or a card id (also the card's file name).
POLICY_KEY = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,100}\.md$")


class UnsafeKey(ValueError):
    """A key that does not name a file inside the knowledge-base directories."""


def item_path(root: Path, kind: str, key: str) -> Path:
    """The file of one policy document or FAQ card under ``root`` (repo documents or the overlay).

    Every file operation on a key that came from a request goes through here: the key must have the
    shape of a document file name or card id, and the resolved path must stay inside root/<kind>/.
    """
    if kind == POLICY_DIR and POLICY_KEY.fullmatch(key):
        folder, name = POLICY_DIR, key
    elif kind == FAQ_DIR and CARD_ID.fullmatch(key):
        folder, name = FAQ_DIR, f"{key}.yml"
    else:
        raise UnsafeKey(f"not a {kind} key: {key!r}")
    base = (root / folder).resolve()
    path = (base / name).resolve()
    if path.parent != base:  # a symlink pointing elsewhere
        raise UnsafeKey(f"{key!r} resolves outside {base}")
    return path


def corpus_overrides(overlay_dir: Path | None) -> dict[str, dict]:
    path = overlay_dir / CORPUS_STATUS_FILE if overlay_dir else None
    if path is None or not path.exists():
        return {}
    return {str(k): dict(v or {}) for k, v in (load_yaml(path.read_text(encoding="utf-8")) or {}).items()}


def apply_corpus_overrides(entries: list[ManifestEntry], overlay_dir: Path | None) -> list[ManifestEntry]:
    overrides = corpus_overrides(overlay_dir)
    for entry in entries:
        change = overrides.get(entry.short_title)
        if change:
            entry.status = str(change.get("status", entry.status))
            entry.note = str(change.get("note", entry.note))
            entry.__post_init__()  # an unknown status in the overlay fails the build, not the answers
    return entries


def policy_paths(kb_docs_dir: Path, overlay_dir: Path | None) -> dict[str, tuple[Path, Path]]:
    """File name -> (path, root it is relative to); overlay files win."""
    found = {p.name: (p, kb_docs_dir) for p in sorted((kb_docs_dir / "policy").glob("*.md"))}
    if overlay_dir is not None:
        found |= {p.name: (p, overlay_dir) for p in sorted((overlay_dir / "policy").glob("*.md"))}
    return dict(sorted(found.items()))


def load_policy_documents(kb_docs_dir: Path, overlay_dir: Path | None) -> list[Document]:
    docs = [load_policy_document(path, root) for path, root in policy_paths(kb_docs_dir, overlay_dir).values()]
    titles = [d.short_title for d in docs]
    if len(titles) != len(set(titles)):
        raise ValueError(
            f"duplicate policy document short titles: {sorted({t for t in titles if titles.count(t) > 1})}"
        )
    return docs


def load_cards(kb_docs_dir: Path, overlay_dir: Path | None) -> list[AnswerCard]:
    """The repo's card bank with staff edits applied: a staff card replaces the repo card of the same id,
    and a retired card leaves the bank."""
    cards = {c.id: c for c in load_repo_cards(kb_docs_dir)}
    if overlay_dir is not None:
        for path in sorted((overlay_dir / FAQ_DIR).glob("*.yml")):
            for raw in (load_yaml(path.read_text(encoding="utf-8")) or {}).get("cards") or []:
                card = card_from_dict(raw, f"staff/{path.relative_to(overlay_dir)}")
                if card.status == RETIRED:
                    cards.pop(card.id, None)
                else:
                    cards[card.id] = card
    return list(cards.values())


def overlay_files(overlay_dir: Path | None) -> list[Path]:
    if overlay_dir is None or not overlay_dir.exists():
        return []
    return [
        *sorted(overlay_dir.glob("policy/*.md")),
        *sorted(overlay_dir.glob("faq/*.yml")),
        overlay_dir / CORPUS_STATUS_FILE,
    ]
