"""Action server replies are validated as Rasa validates them, against a schema checked only once."""

import time

import pytest
from jsonschema import ValidationError
from rasa.core.actions.action import RemoteAction

from rasa_plugins import action_validation

REPLY = {
    "events": [{"event": "slot", "name": "expecting", "value": None, "timestamp": None}],
    "responses": [{"text": "您好", "buttons": [], "custom": {"citations": []}}],
}


@pytest.fixture
def patched(monkeypatch):
    monkeypatch.setattr(RemoteAction, "_validate_action_result", RemoteAction._validate_action_result)
    original = RemoteAction._validate_action_result
    action_validation.install()
    return original


def test_a_valid_reply_passes_and_an_invalid_one_fails_as_before(patched):
    action = RemoteAction.__new__(RemoteAction)
    assert patched(action, REPLY) is True and action._validate_action_result(REPLY) is True
    bad = {"events": [{"event": "slot", "name": 3}], "responses": "not a list"}
    with pytest.raises(ValidationError) as before:
        patched(action, bad)
    with pytest.raises(ValidationError) as after:
        action._validate_action_result(bad)
    assert after.value.message == before.value.message and "Failed to validate Action server" in after.value.message


def test_validating_a_turns_reply_no_longer_rechecks_the_schema(patched):
    action = RemoteAction.__new__(RemoteAction)

    def per_call(validate, n=10):
        started = time.perf_counter()
        for _ in range(n):
            validate(action, REPLY)
        return (time.perf_counter() - started) / n

    action._validate_action_result(REPLY)  # the validator is built on first use
    assert per_call(RemoteAction._validate_action_result) * 5 < per_call(patched)
