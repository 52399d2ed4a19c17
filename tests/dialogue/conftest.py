"""Fixtures live in dialogue_fixtures.py so test modules can import its helpers; this directory runs in the
Rasa venv (see tests/conftest.py)."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from dialogue_fixtures import bot  # noqa: E402,F401 (pytest fixtures)
