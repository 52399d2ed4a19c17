"""The knowledge base as the web application uses it: load the serving index version, search, answer.

kb = KnowledgeBase.load(settings)   # not ready until an index was built (`laborbot kb build`)
kb.answer("老板不给工钱怎么办", "wage_arrears", [], intent_confidence=0.9)
kb.reload()                         # cheap; picks up a newly swapped-in version, old one serves meanwhile
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path

from .answer import Answer, card_answer, compose
from .index import Chunk, Sources, build_index, current_version
from .retriever import Hit, Retriever, SearchResult

log = logging.getLogger(__name__)


class KnowledgeBase:
    def __init__(self, index_dir: Path) -> None:
        self.index_dir = Path(index_dir)
        self._retriever: Retriever | None = None
        self._lock = threading.Lock()

    @classmethod
    def load(cls, settings, build_if_missing: bool = False) -> KnowledgeBase:
        kb = cls(settings.index_dir)
        if build_if_missing and current_version(kb.index_dir) is None:
            build_index(Sources.from_settings(settings), kb.index_dir)
        if not kb.reload() and not kb.ready:
            log.warning("no knowledge-base index in %s; run `laborbot kb build`", kb.index_dir)
        return kb

    @property
    def ready(self) -> bool:
        return self._retriever is not None

    @property
    def version(self) -> str | None:
        return self._retriever.version if self._retriever else None

    def reload(self) -> bool:
        """Switch to the current version if it changed. A version that fails to load leaves the old one serving."""
        with self._lock:
            name = current_version(self.index_dir)
            if name is None or name == self.version:
                return False
            try:
                retriever = Retriever(self.index_dir / name)
            except Exception:
                log.exception("index version %s failed to load; still serving %s", name, self.version)
                return False
            self._retriever = retriever  # one reference swap: in-flight requests finish on the old object
            return True

    def _require(self) -> Retriever:
        retriever = self._retriever
        if retriever is None:
            raise RuntimeError("knowledge base index not loaded; run `laborbot kb build`")
        return retriever

    def article(self, law: str, number: int) -> Chunk | None:
        """The indexed article (any status: staff pages show repealed history too); None if absent."""
        return self._require().article(law, number)

    def search_result(self, text: str, intent: str | None = None, k: int = 5) -> SearchResult:
        return self._require().search(text, intent=intent, k=k)

    def search(self, text: str, intent: str | None = None, k: int = 5) -> list[Hit]:
        return self.search_result(text, intent=intent, k=k).hits

    def answer(
        self, text: str, intent: str | None, entities: list[dict] | None = None, intent_confidence: float = 0.0
    ) -> Answer:
        return compose(self._require(), text, intent, entities or [], intent_confidence)

    def card_answer(self, card_id: str, text: str = "", entities: list[dict] | None = None) -> Answer | None:
        """The answer of the card a worker picked from the options; None if the card no longer exists."""
        return card_answer(self._require(), card_id, text, entities)
