"""Staff-managed knowledge: the database keeps every version, the overlay directory holds the current one.

Each change writes a new KbItemVersion and then rewrites the item's file in settings.kb_staff_dir (see
knowledge_base/overlay.py), which the next index build reads. Items staff never touched are the repo
defaults and have no rows; the first edit stores the repo text as version 1 so the history shows the
change from the default.
"""

from __future__ import annotations

import difflib
import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.admin import audit
from api.admin.convert import Converted, render
from api.admin.models import KbItem, KbItemVersion
from api.conversation.models import utcnow
from api.users.models import User
from knowledge_base.cards import CARD_ID, card_from_dict
from knowledge_base.corpus import load_yaml, split_front_matter
from knowledge_base.manifest import MANIFEST_PATH, atomic_write_text, load_manifest
from knowledge_base.overlay import CORPUS_STATUS_FILE, RETIRED, UnsafeKey, item_path

POLICY, FAQ, CORPUS = "policy", "faq", "corpus"
KIND_LABELS = {POLICY: "工会政策文档", FAQ: "答案卡片", CORPUS: "法规语料"}
DOC_TYPE_LABELS = {
    "law": "法律",
    "administrative_regulation": "行政法规",
    "ministry_rule": "部门规章",
    "judicial_interpretation": "司法解释",
    "beijing_local_regulation": "北京地方性法规",
    "typical_case": "典型案例",
    "union_policy": "工会政策文档",
    "faq": "答案卡片",
}
STATUS_LABELS = {"in_force": "有效", "possibly_outdated": "待核实", "repealed": "已废止", RETIRED: "已停用"}


class StoreError(ValueError):
    """A change staff cannot make; the message says why, in Chinese."""


@dataclass
class Row:
    kind: str
    key: str
    title: str
    short_title: str
    doc_type: str
    status: str
    effective_date: str
    version: int | None  # None: the repo default, never edited
    editor: str
    updated_at: datetime | None


@dataclass
class History:
    item: KbItem | None
    versions: list[tuple[KbItemVersion, str]]  # version, author name


class KnowledgeStore:
    def __init__(self, settings, sessions: Callable[[], Session]) -> None:
        self.repo_docs = Path(settings.kb_docs_dir)
        self.overlay = Path(settings.kb_staff_dir)
        self.manifest_path = MANIFEST_PATH
        self._sessions = sessions
        self._repo_cards_cache: tuple[tuple, dict[str, dict]] = ((), {})

    # --- reading ----------------------------------------------------------------------------------------

    def current_text(self, kind: str, key: str) -> str | None:
        """The text the next build reads for this item: the staff version, else the repo default."""
        with self._sessions() as db:
            item = self._item(db, kind, key)
            if item is not None:
                return self._version(db, item, item.current_version).content
        return self._repo_text(kind, key)

    def documents(self) -> list[Row]:
        with self._sessions() as db:
            items = {(i.kind, i.key): i for i in db.scalars(select(KbItem))}
            names = {u.id: u.display_name or u.username for u in db.scalars(select(User))}
        rows = []
        overrides = {key: item for (kind, key), item in items.items() if kind == CORPUS}
        for entry in load_manifest(self.manifest_path):
            item = overrides.get(entry.short_title)
            status = load_yaml(self.current_text(CORPUS, entry.short_title))["status"] if item else entry.status
            rows.append(
                self._row(
                    CORPUS,
                    entry.short_title,
                    entry.title,
                    entry.short_title,
                    entry.doc_type,
                    status,
                    entry.effective_date or "",
                    item,
                    names,
                )
            )
        for key in self._policy_keys(items):
            meta, _ = split_front_matter(self.current_text(POLICY, key) or "")
            rows.append(
                self._row(
                    POLICY,
                    key,
                    str(meta.get("title", key)),
                    str(meta.get("short_title", "")),
                    "union_policy",
                    str(meta.get("status", "in_force")),
                    str(meta.get("effective_date") or meta.get("review_date") or ""),
                    items.get((POLICY, key)),
                    names,
                )
            )
        return rows

    def card_ids(self) -> set[str]:
        """Every card's id, the repository's and staff's: what a card's related links may name."""
        with self._sessions() as db:
            staff = set(db.scalars(select(KbItem.key).where(KbItem.kind == FAQ)))
        return set(self._repo_cards()) | staff

    def cards(self) -> list[tuple[dict, Row]]:
        with self._sessions() as db:
            items = {i.key: i for i in db.scalars(select(KbItem).where(KbItem.kind == FAQ))}
            names = {u.id: u.display_name or u.username for u in db.scalars(select(User))}
        repo = self._repo_cards()
        keys = list(repo) + sorted(k for k in items if k not in repo)
        out = []
        for key in keys:
            card = self.card(key)
            out.append(
                (
                    card,
                    self._row(
                        FAQ,
                        key,
                        card_from_dict(card).question or key,
                        key,
                        "faq",
                        card.get("status", "in_force"),
                        "",
                        items.get(key),
                        names,
                    ),
                )
            )
        return out

    def card(self, card_id: str) -> dict | None:
        text = self.current_text(FAQ, card_id)
        return (load_yaml(text) or {}).get("cards", [None])[0] if text else None

    def short_titles(self, exclude_key: str = "") -> set[str]:
        """Every document short title in use (statutes and policy documents) except one policy file's."""
        titles = {e.short_title for e in load_manifest(self.manifest_path)}
        with self._sessions() as db:
            items = {(i.kind, i.key): i for i in db.scalars(select(KbItem))}
        for key in self._policy_keys(items):
            if key != exclude_key:
                meta, _ = split_front_matter(self.current_text(POLICY, key) or "")
                titles.add(str(meta.get("short_title", "")))
        return titles

    def history(self, kind: str, key: str) -> History:
        with self._sessions() as db:
            item = self._item(db, kind, key)
            if item is None:
                return History(None, [])
            rows = db.execute(
                select(KbItemVersion, User)
                .outerjoin(User, User.id == KbItemVersion.author_id)
                .where(KbItemVersion.item_id == item.id)
                .order_by(KbItemVersion.number.desc())
            ).all()
            return History(item, [(v, (u.display_name or u.username) if u else "仓库默认") for v, u in rows])

    def diff_html(self, kind: str, key: str, old: int, new: int) -> str:
        with self._sessions() as db:
            item = self._item(db, kind, key)
            if item is None:
                raise StoreError("该条目还没有修改记录。")
            a, b = self._version(db, item, old), self._version(db, item, new)
        table = difflib.HtmlDiff(tabsize=2, wrapcolumn=60).make_table(
            a.content.splitlines(), b.content.splitlines(), f"第{old}版", f"第{new}版", context=True, numlines=2
        )
        return table.replace('nowrap="nowrap"', "")

    # --- changing ---------------------------------------------------------------------------------------

    def upload_policy(self, actor: User, doc: Converted) -> str:
        if doc.meta["short_title"] in self.short_titles():
            raise StoreError(f"简称“{doc.meta['short_title']}”已被其他文档使用，请换一个简称或更新原文档。")
        key = "staff_" + hashlib.sha256(doc.meta["short_title"].encode()).hexdigest()[:12] + ".md"
        self._commit(
            actor, POLICY, key, doc.meta["title"], doc.meta["status"], doc.markdown(), "上传", "upload", filename=key
        )
        return key

    def replace_policy(self, actor: User, key: str, doc: Converted) -> None:
        """A new text for an existing policy document (keeps its status)."""
        meta, _ = self.policy_meta(key)
        doc.meta["status"] = meta.get("status", "in_force")
        if doc.meta["short_title"] in self.short_titles(exclude_key=key):
            raise StoreError(f"简称“{doc.meta['short_title']}”已被其他文档使用。")
        self._commit(actor, POLICY, key, doc.meta["title"], doc.meta["status"], doc.markdown(), "替换正文", "upload")

    def editpolicy_meta(self, actor: User, key: str, changes: dict) -> None:
        meta, body = self.policy_meta(key)
        changes = {k: v.strip() for k, v in changes.items() if isinstance(v, str)}
        if not changes.get("title") or not changes.get("short_title"):
            raise StoreError("标题和简称不能为空。")
        if changes["short_title"] in self.short_titles(exclude_key=key):
            raise StoreError(f"简称“{changes['short_title']}”已被其他文档使用。")
        for field in ("effective_date", "review_date"):
            if changes.get(field) and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", changes[field]):
                raise StoreError("日期格式应为 YYYY-MM-DD。")
        changed = [k for k, v in changes.items() if str(meta.get(k) or "") != v]
        if not changed:
            raise StoreError("没有修改任何内容。")
        meta.update({k: changes[k] for k in changed})
        self._commit(
            actor,
            POLICY,
            key,
            meta["title"],
            meta.get("status", "in_force"),
            render(meta, body),
            "修改信息：" + "、".join(changed),
            "edit_meta",
            fields=changed,
        )

    def set_status(self, actor: User, kind: str, key: str, retire: bool) -> None:
        action = "retire" if retire else "restore"
        if kind == POLICY:
            meta, body = self.policy_meta(key)
            meta["status"] = RETIRED if retire else "in_force"
            self._commit(
                actor,
                POLICY,
                key,
                meta["title"],
                meta["status"],
                render(meta, body),
                "停用" if retire else "恢复",
                action,
            )
        elif kind == CORPUS:
            entry = next((e for e in load_manifest(self.manifest_path) if e.short_title == key), None)
            if entry is None:
                raise StoreError("找不到该法规。")
            status = "repealed" if retire else entry.status if entry.status != "repealed" else "in_force"
            content = yaml.safe_dump(
                {"status": status, "note": "工作人员标记为已废止" if retire else entry.note},
                allow_unicode=True,
                sort_keys=False,
            )
            self._commit(actor, CORPUS, key, entry.title, status, content, "废止" if retire else "恢复", action)
        elif kind == FAQ:
            card = self.card(key)
            if card is None:
                raise StoreError("找不到该答案卡片。")
            card["status"] = RETIRED if retire else "in_force"
            self.save_card(actor, card, summary="停用" if retire else "恢复", action=f"faq_{action}")
        else:
            raise StoreError("未知的条目类型。")

    def save_card(self, actor: User, card: dict, summary: str = "保存", action: str = "faq_save") -> None:
        if not CARD_ID.fullmatch(str(card.get("id", ""))):
            raise StoreError("卡片编号只能使用小写字母、数字和连字符（3–80 个字符），例如 wage-late-payment。")
        content = yaml.safe_dump({"cards": [card]}, allow_unicode=True, sort_keys=False, width=1000)
        self._commit(
            actor,
            FAQ,
            card["id"],
            card_from_dict(card).question,
            card.get("status", "in_force"),
            content,
            summary,
            action,
        )

    # --- internals --------------------------------------------------------------------------------------

    def _commit(
        self,
        actor: User,
        kind: str,
        key: str,
        title: str,
        status: str,
        content: str,
        summary: str,
        action: str,
        **detail,
    ) -> None:
        with self._sessions() as db:
            item = self._item(db, kind, key)
            if item is None:
                item = KbItem(kind=kind, key=key, title=title[:300], status=status, current_version=0)
                db.add(item)
                db.flush()
                default = self._repo_text(kind, key)
                if default is not None:
                    item.current_version = 1
                    db.add(KbItemVersion(item_id=item.id, number=1, content=default, summary="仓库默认版本"))
            elif self._version(db, item, item.current_version).content == content:
                raise StoreError("内容没有变化。")
            item.current_version += 1
            item.title, item.status, item.updated_by_id, item.updated_at = title[:300], status, actor.id, utcnow()
            db.add(
                KbItemVersion(
                    item_id=item.id, number=item.current_version, content=content, summary=summary, author_id=actor.id
                )
            )
            audit.record(
                db,
                actor,
                action,
                f"{KIND_LABELS[kind]}：{title}",
                kind=kind,
                key=key,
                version=item.current_version,
                **detail,
            )
            db.flush()
            self._write_file(db, kind, key, content)
            db.commit()

    def _write_file(self, db: Session, kind: str, key: str, content: str) -> None:
        """Materialise the current version where the build reads it (inside the transaction: a failed write
        rolls the version back)."""
        if kind in (POLICY, FAQ):
            path = self._file(self.overlay, kind, key)
        else:
            statuses = {}
            for item in db.scalars(select(KbItem).where(KbItem.kind == CORPUS).order_by(KbItem.key)):
                statuses[item.key] = load_yaml(self._version(db, item, item.current_version).content)
            path, content = self.overlay / CORPUS_STATUS_FILE, yaml.safe_dump(statuses, allow_unicode=True)
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_text(path, content)

    def policy_meta(self, key: str) -> tuple[dict, str]:
        text = self.current_text(POLICY, key)
        if text is None:
            raise StoreError("找不到该文档。")
        meta, body = split_front_matter(text)
        return dict(meta), body

    def _policy_keys(self, items: dict) -> list[str]:
        repo = sorted(p.name for p in (self.repo_docs / "policy").glob("*.md"))
        return repo + sorted(k for (kind, k) in items if kind == POLICY and k not in repo)

    def _repo_cards(self) -> dict[str, dict]:
        """Repo FAQ cards by id, re-read only when a file changed (listing pages read every card)."""
        paths = sorted((self.repo_docs / "faq").glob("*.yml"))
        stamp = tuple((p, p.stat().st_mtime_ns) for p in paths)
        if self._repo_cards_cache[0] != stamp:
            cards = {}
            for path in paths:
                for raw in (load_yaml(path.read_text(encoding="utf-8")) or {}).get("cards") or []:
                    cards[str(raw["id"])] = raw
            self._repo_cards_cache = (stamp, cards)
        return self._repo_cards_cache[1]

    def _repo_text(self, kind: str, key: str) -> str | None:
        if kind == POLICY:
            path = self._file(self.repo_docs, kind, key)
            return path.read_text(encoding="utf-8") if path.exists() else None
        if kind == FAQ:
            raw = self._repo_cards().get(key)
            return (
                yaml.safe_dump({"cards": [dict(raw)]}, allow_unicode=True, sort_keys=False, width=1000) if raw else None
            )
        entry = next((e for e in load_manifest(self.manifest_path) if e.short_title == key), None)
        return (
            yaml.safe_dump({"status": entry.status, "note": entry.note}, allow_unicode=True, sort_keys=False)
            if entry
            else None
        )

    @staticmethod
    def _file(root: Path, kind: str, key: str) -> Path:
        try:
            return item_path(root, kind, key)
        except UnsafeKey:
            raise StoreError("找不到该条目。") from None

    @staticmethod
    def _item(db: Session, kind: str, key: str) -> KbItem | None:
        return db.scalar(select(KbItem).where(KbItem.kind == kind, KbItem.key == key))

    @staticmethod
    def _version(db: Session, item: KbItem, number: int) -> KbItemVersion:
        version = db.scalar(
            select(KbItemVersion).where(KbItemVersion.item_id == item.id, KbItemVersion.number == number)
        )
        if version is None:
            raise StoreError(f"没有第{number}版。")
        return version

    @staticmethod
    def _row(kind, key, title, short_title, doc_type, status, effective_date, item, names) -> Row:
        return Row(
            kind=kind,
            key=key,
            title=title,
            short_title=short_title,
            doc_type=doc_type,
            status=status,
            effective_date=effective_date,
            version=item.current_version if item else None,
            editor=names.get(item.updated_by_id, "") if item else "",
            updated_at=item.updated_at if item else None,
        )
