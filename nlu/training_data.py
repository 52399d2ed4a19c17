"""Read Rasa NLU YAML files as plain (text, intent) pairs, for baselines, tests and checks."""
from __future__ import annotations

import re
from pathlib import Path

import yaml

# [span](entity) or [span]{"entity": ...} annotations → span
_ANNOTATION = re.compile(r"\[([^\]]+)\](?:\([^)]*\)|\{[^}]*\})")


def strip_annotations(example: str) -> str:
    return _ANNOTATION.sub(r"\1", example)


def load_examples(*paths: Path) -> list[tuple[str, str]]:
    """All intent examples under the given files or directories, annotations removed."""
    files = sorted(f for p in paths for f in ([p] if p.is_file() else p.rglob("*.yml")))
    pairs: list[tuple[str, str]] = []
    for path in files:
        for block in (yaml.safe_load(path.read_text("utf-8")) or {}).get("nlu", []):
            if "intent" not in block:
                continue
            for line in block.get("examples", "").splitlines():
                line = line.strip()
                if line.startswith("- "):
                    pairs.append((strip_annotations(line[2:].strip()), block["intent"]))
    return pairs
