"""Fixtures: a tiny fixture corpus for index mechanics, and the real corpus index for retrieval tests."""
import shutil
from pathlib import Path

import pytest

from knowledge_base.index import Sources, build_index, current_version
from knowledge_base.manifest import MANIFEST_PATH

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
    return Sources(corpus_dir=root / "corpus", kb_docs_dir=root / "docs",
                   manifest_path=root / "manifest.yml", data_dir=root / "data")


@pytest.fixture(scope="session")
def real_index(tmp_path_factory, settings) -> Path:
    """The real corpus plus the repo's policy documents and FAQ cards, built with the default backends."""
    index_dir = tmp_path_factory.mktemp("kb") / "index"
    sources = Sources(corpus_dir=settings.corpus_dir, kb_docs_dir=REPO / "knowledge_base" / "documents",
                      manifest_path=MANIFEST_PATH, data_dir=REPO / "knowledge_base" / "data")
    build_index(sources, index_dir)
    return index_dir / current_version(index_dir)


@pytest.fixture(scope="session")
def retriever(real_index):
    from knowledge_base.retriever import Retriever

    return Retriever(real_index)
