"""A retriever that finds chosen cards with chosen probabilities, whatever the question: for tests of what the
answer does with a ranking, not of the ranking itself."""

from knowledge_base.card_match import CardHit


def rank_cards(retriever, monkeypatch, ranking: list[tuple[str, float]]) -> None:
    """The retriever's search returns these (card id, probability) pairs as its cards, its articles as found."""
    found = retriever.search

    def search(text, **kwargs):
        result = found(text, **kwargs)
        result.cards = [CardHit(retriever.cards.by_id[i], p, 0.5, i) for i, p in ranking]
        return result

    monkeypatch.setattr(retriever, "search", search)
