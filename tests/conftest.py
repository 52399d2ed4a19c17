"""Two interpreters run this suite: the app's (Python 3.11) and Rasa's (Python 3.10, rasa_sdk).

Each collects only the tests written for it, so `pytest` works in either environment and
scripts/test.sh runs both. The Rasa side is the short list; everything else belongs to the
app, so a new test directory lands in the app environment without touching this file.
"""

import importlib.util
from pathlib import Path

RASA_ENV_DIRS = ["actions", "dialogue", "components"]
_HERE = Path(__file__).parent
_ALL_DIRS = sorted(p.name for p in _HERE.iterdir() if p.is_dir() and not p.name.startswith(("_", ".")))

if importlib.util.find_spec("rasa_sdk") is None:
    collect_ignore = RASA_ENV_DIRS
    pytest_plugins = ["tests.support.fixtures", "tests.support.databases"]
else:
    collect_ignore = [name for name in _ALL_DIRS if name not in RASA_ENV_DIRS]
