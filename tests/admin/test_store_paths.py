"""Staff file operations stay inside the knowledge-base directories (security finding 1).

A policy key or card id comes from a form field; none of them may name a file elsewhere, whether the
operation reads (document page, metadata edit) or writes (metadata, replace, retire/restore)."""

from __future__ import annotations

import shutil
from pathlib import Path
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import sessionmaker

from api.admin.convert import Converted
from api.admin.models import KbItem, KbItemVersion
from api.admin.store import POLICY, KnowledgeStore, StoreError
from api.core.db import make_engine
from api.core.migrate import upgrade_database
from api.users.models import Role
from api.users.service import create_user
from knowledge_base.overlay import UnsafeKey, item_path

REPO_DOCS = Path(__file__).resolve().parents[2] / "knowledge_base" / "documents"
SECRET = "do-not-leak-this-secret"


@pytest.fixture
def store(tmp_path):
    var = tmp_path / "var"
    docs = tmp_path / "documents"
    shutil.copytree(REPO_DOCS / "policy", docs / "policy")
    (docs / "faq").mkdir()
    (var / "kb_staff").mkdir(parents=True)
    (var / "secret_key").write_text(SECRET)
    url = f"sqlite:///{tmp_path / 'db.sqlite'}"
    upgrade_database(url)
    sessions = sessionmaker(bind=make_engine(url), expire_on_commit=False)
    with sessions() as db:
        staff = create_user(db, "policy_wang", "pw-1234567", Role.staff)
    settings = SimpleNamespace(kb_docs_dir=docs, kb_staff_dir=var / "kb_staff")
    return SimpleNamespace(
        store=KnowledgeStore(settings, sessions), staff=staff, sessions=sessions, secret=var / "secret_key"
    )


TRAVERSALS = [
    "../../var/secret_key",
    "../../../../etc/passwd",
    "/etc/passwd",
    "..%2f..%2fsecret_key",
    "policy/../../x.md",
    "gig_workers.md/../../../var/secret_key",
    "..",
    ".md",
    "a.md\n",
    "x\x00.md",
]


@pytest.mark.parametrize("key", TRAVERSALS)
def test_no_operation_reaches_a_file_outside_the_knowledge_base(store, key):
    s = store.store
    with pytest.raises(StoreError):
        s.policy_meta(key)
    with pytest.raises(StoreError):
        s.editpolicy_meta(store.staff, key, {"title": "T", "short_title": "S"})
    with pytest.raises(StoreError):
        s.replace_policy(store.staff, key, Converted(meta={"title": "T", "short_title": "S2"}, body="第一条 正文"))
    with pytest.raises(StoreError):
        s.set_status(store.staff, POLICY, key, retire=True)
    assert store.secret.read_text() == SECRET
    with store.sessions() as db:  # nothing was stored either
        assert db.scalar(select(func.count()).select_from(KbItem)) == 0
        assert db.scalar(select(func.count()).select_from(KbItemVersion)) == 0


def test_a_real_policy_document_is_still_edited(store):
    s = store.store
    meta, _ = s.policy_meta("gig_workers.md")
    s.editpolicy_meta(
        store.staff,
        "gig_workers.md",
        {"title": meta["title"], "short_title": meta["short_title"], "review_date": "2027-01-01"},
    )
    written = Path(s.overlay) / "policy" / "gig_workers.md"
    assert "review_date: '2027-01-01'" in written.read_text(
        encoding="utf-8"
    ) or "review_date: 2027-01-01" in written.read_text(encoding="utf-8")


def test_a_symlink_out_of_the_directory_is_refused(tmp_path):
    (tmp_path / "policy").mkdir()
    (tmp_path / "policy" / "evil.md").symlink_to(tmp_path.parent / "elsewhere.md")
    with pytest.raises(UnsafeKey):
        item_path(tmp_path, "policy", "evil.md")
    assert item_path(tmp_path, "policy", "fine.md") == (tmp_path / "policy" / "fine.md").resolve()
    assert item_path(tmp_path, "faq", "wage-late").name == "wage-late.yml"
    with pytest.raises(UnsafeKey):
        item_path(tmp_path, "faq", "../wage")
