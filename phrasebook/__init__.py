"""The phrasebook: every fixed sentence a worker reads, in one file (phrasebook/zh_CN.yml).

Both Python environments read it (the web app and the Rasa action server), so the bot, the preview and
the channels never drift apart. Keys are dotted paths; fields are filled with str.format:

    from phrasebook import say
    say("answer.disclaimer")
    say("facts.disability_grade", grade="十", months=7)
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

CATALOGUE = Path(__file__).with_name("zh_CN.yml")


@lru_cache(maxsize=1)
def _texts() -> dict[str, Any]:
    def flatten(prefix: str, node: Any, out: dict[str, Any]) -> dict[str, Any]:
        if isinstance(node, dict):
            for key, value in node.items():
                flatten(f"{prefix}.{key}" if prefix else str(key), value, out)
        else:
            out[prefix] = node
        return out

    return flatten("", yaml.safe_load(CATALOGUE.read_text(encoding="utf-8")), {})


def say(key: str, **fields: Any) -> str:
    """The text under ``key``, with ``fields`` filled in. A missing key is a programming error."""
    text = _texts()[key]
    return text.format(**fields) if fields else text


def options(key: str) -> list:
    """A list entry of the phrasebook (e.g. button titles, steps)."""
    value = _texts()[key]
    if not isinstance(value, list):
        raise TypeError(f"phrasebook entry {key} is not a list")
    return value


def response_texts() -> dict[str, str]:
    """The fixed responses of the dialogue model (utter_* name -> text)."""
    prefix = "responses."
    return {key[len(prefix) :]: text for key, text in _texts().items() if key.startswith(prefix)}
