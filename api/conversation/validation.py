"""One check for every channel's text before anything is stored: not empty, not longer than allowed."""

from __future__ import annotations

from phrasebook import say


class TextRefused(ValueError):
    """The message cannot be taken; ``str(error)`` tells the worker why, in Chinese."""


def checked_text(text: str, max_chars: int) -> str:
    clean = (text or "").strip()
    if not clean:
        raise TextRefused(say("dialogue.empty_message"))
    if len(clean) > max_chars:
        raise TextRefused(say("dialogue.too_long", limit=max_chars))
    return clean
