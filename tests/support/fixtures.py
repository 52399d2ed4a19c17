"""Fixtures for the app-environment tests: the real knowledge base built once per session, and the app
in-process on a temporary database with a fake Rasa."""

from __future__ import annotations

from pathlib import Path

import pytest

from api.core.settings import PROJECT_ROOT, Settings
from knowledge_base.index import Sources, build_index, current_version, is_up_to_date
from knowledge_base.manifest import MANIFEST_PATH
from tests.support.app import create_accounts, isolated_settings, running_app
from tests.support.fake_rasa import FakeRasa


def repo_sources() -> Sources:
    """What `laborbot kb build` reads on a fresh installation (no staff edits)."""
    settings = Settings()
    return Sources(
        corpus_dir=settings.corpus_dir,
        kb_docs_dir=settings.kb_docs_dir,
        manifest_path=MANIFEST_PATH,
        data_dir=settings.kb_docs_dir.parent / "data",
        nlu_topics_dir=settings.nlu_topics_dir,
    )


# Kept between test runs (like the product's own var/index): a run after a change to the knowledge base
# rebuilds incrementally, a run without one reuses it. Tests that change an index work on a copy.
TEST_INDEX = PROJECT_ROOT / "var" / "test-index"


@pytest.fixture(scope="session")
def real_index() -> Path:
    """The corpus, the repo's policy documents and the card bank, built with the product's backends."""
    sources = repo_sources()
    if not is_up_to_date(sources, TEST_INDEX):
        build_index(sources, TEST_INDEX, keep=2)
    return TEST_INDEX / current_version(TEST_INDEX)


@pytest.fixture(scope="session")
def knowledge(real_index):
    """The real knowledge base, loaded once and shared (it is read-only)."""
    from knowledge_base.service import KnowledgeBase

    kb = KnowledgeBase(real_index.parent)
    kb.reload()
    return kb


@pytest.fixture
def fake_rasa() -> FakeRasa:
    return FakeRasa()


@pytest.fixture
def app_client(tmp_path, fake_rasa, knowledge):
    """(TestClient, app) of a fresh installation answering from the real knowledge base."""
    with running_app(isolated_settings(tmp_path), fake_rasa, knowledge) as pair:
        yield pair


@pytest.fixture
def bare_app(tmp_path, fake_rasa):
    """(TestClient, app) of a fresh installation without a knowledge base (console, admin, channels)."""
    with running_app(isolated_settings(tmp_path, chat_rate_limit_per_min=1000), fake_rasa) as pair:
        yield pair


@pytest.fixture
def accounts(bare_app):
    return create_accounts(bare_app[1])
