"""Fixed bot texts, read from the Rasa domain so the bot and the preview never drift apart."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml

from api.core.settings import PROJECT_ROOT

DOMAIN_DIR = PROJECT_ROOT / "bot" / "domain"


@lru_cache
def load_responses(domain_dir: Path = DOMAIN_DIR) -> dict[str, str]:
    texts: dict[str, str] = {}
    for path in sorted(domain_dir.glob("*.yml")):
        for name, variants in (yaml.safe_load(path.read_text("utf-8")) or {}).get("responses", {}).items():
            texts[name] = variants[0]["text"]
    return texts


@lru_cache
def shared_texts() -> dict[str, str]:
    """Texts the custom actions say (bot/shared_texts.yml)."""
    return yaml.safe_load((DOMAIN_DIR.parent / "shared_texts.yml").read_text("utf-8"))


def response_text(name: str) -> str:
    return load_responses().get(name) or shared_texts()[name]
