"""Rasa is started with its token on the command line the way Rasa's own parser reads it, whatever the
random token looks like (one in 64 begins with "-")."""

import pytest
from rasa.__main__ import create_argument_parser

from rasa_plugins.serve import rasa_argv


@pytest.mark.parametrize("token", ["-Lt3xQ9", "--looks-like-an-option", "plainToken_123"])
def test_the_token_reaches_rasa_as_given(token):
    argv = rasa_argv(["run", "--enable-api", "--port", "5005"], token)
    parsed = create_argument_parser().parse_args(argv[1:])
    assert parsed.auth_token == token and parsed.enable_api
