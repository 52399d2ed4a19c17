"""Validate the action server's replies against a schema checked once, not on every turn.

Rasa 3.6 checks each action server reply with ``jsonschema.validate(reply, schema)``, which first checks
the (large) events schema itself against the JSON Schema meta-schema, on every call. With a custom action
on every turn, that re-check was about a third of the Rasa process's CPU under load (py-spy, bench/load.py).
A validator built once for the same schema validates the same way without re-checking the schema.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from jsonschema.exceptions import best_match
from jsonschema.validators import validator_for
from rasa.core.actions.action import RemoteAction
from rasa.shared.constants import DOCS_BASE_URL


@cache
def _validator() -> Any:
    schema = RemoteAction.action_response_format_spec()
    cls = validator_for(schema)
    cls.check_schema(schema)  # what jsonschema.validate would do, once
    return cls(schema)


def _validate_action_result(self: RemoteAction, result: dict[str, Any]) -> bool:
    error = best_match(_validator().iter_errors(result))  # the error jsonschema.validate would raise
    if error is not None:
        error.message += (
            ". Failed to validate Action server response from API, make sure your response from the Action "
            f"endpoint is valid. For more information about the format visit {DOCS_BASE_URL}/custom-actions"
        )
        raise error
    return True


def install() -> None:
    RemoteAction._validate_action_result = _validate_action_result
