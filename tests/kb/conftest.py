"""Fixtures: a tiny fixture corpus for index mechanics; the real index comes from tests/support/fixtures.py."""

import shutil
from pathlib import Path

import pytest

from knowledge_base.index import Sources

FIXTURES = Path(__file__).parent / "fixtures"
REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def settings():
    from api.core.settings import get_settings

    return get_settings()


@pytest.fixture
def tiny_sources(tmp_path) -> Sources:
    """A writable copy of the fixture corpus and documents, so tests may edit them."""
    root = tmp_path / "src"
    shutil.copytree(FIXTURES, root)
    return Sources(
        corpus_dir=root / "corpus",
        kb_docs_dir=root / "docs",
        manifest_path=root / "manifest.yml",
        data_dir=root / "data",
    )


@pytest.fixture(scope="session")
def retriever(knowledge):
    """The serving retriever of the shared real knowledge base (tests/support/fixtures.py)."""
    return knowledge._require()
