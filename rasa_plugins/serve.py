"""Start the Rasa server with its API token taken from the environment (LABORBOT_RASA_TOKEN), so the
token never appears in a process list:  python -m rasa_plugins.serve run --enable-api …
The project's spaCy pipeline (models/spacy_zh) the NLU loads is rebuilt first if its inputs changed."""

from __future__ import annotations

import os
import sys

from rasa.__main__ import main
from threadpoolctl import threadpool_limits

from nlu import language
from rasa_plugins import action_validation
from rasa_plugins.app_channel import TOKEN_ENV


def rasa_argv(args: list[str], token: str) -> list[str]:
    """Rasa's command line with the token as one argument: a random token may begin with "-", which
    argparse would otherwise take for an option."""
    return ["rasa", *args, f"--auth-token={token}"]


if __name__ == "__main__":
    token = os.environ.get(TOKEN_ENV, "")
    if not token:
        sys.exit(f"{TOKEN_ENV} is not set: Rasa's HTTP API is not started without a token")
    if not language.is_current():
        language.build()
    sys.argv = rasa_argv(sys.argv[1:], token)
    action_validation.install()
    threadpool_limits(1, user_api="blas")  # one message at a time per process: spare BLAS threads only spin
    main()
