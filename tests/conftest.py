"""Two interpreters run this suite: the app's (Python 3.11) and Rasa's (Python 3.10, rasa_sdk).

Each collects only the tests written for it, so `pytest` works in either environment and
scripts/test.sh runs both.
"""

import importlib.util

RASA_ENV_DIRS = ["actions", "dialogue", "components"]
APP_ENV_DIRS = ["api", "cases", "channels", "console", "conversation", "kb", "unit", "admin", "e2e"]

if importlib.util.find_spec("rasa_sdk") is None:
    collect_ignore = RASA_ENV_DIRS
    pytest_plugins = ["tests.support.fixtures"]
else:
    collect_ignore = APP_ENV_DIRS + ["support"]
