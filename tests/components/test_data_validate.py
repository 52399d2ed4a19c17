"""`rasa data validate` is clean: no unused intents, responses or slots, no story conflicts."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from nlu.training_data import assemble

ROOT = Path(__file__).resolve().parents[2]
# Intents the app puts in a turn's parse data itself (the NLU never predicts them, so no examples).
INJECTED_INTENTS = ("app_reply",)


@pytest.mark.slow
def test_rasa_data_validate_is_clean(tmp_path):
    """The same inputs as training: bot/domain with the phrasebook's responses, nlu_data, the cards."""
    rasa = Path(sys.executable).with_name("rasa")
    domain, nlu, dialogue = assemble(ROOT, tmp_path)
    result = subprocess.run(
        [
            str(rasa),
            "data",
            "validate",
            "--domain",
            str(domain),
            "--data",
            *map(str, nlu + dialogue),
            "--config",
            "bot/config.yml",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, "PYTHONPATH": str(ROOT), "RASA_TELEMETRY_ENABLED": "false"},
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-3000:]
    problems = [
        line
        for line in output.splitlines()
        if ("UserWarning" in line or " ERROR " in line)
        and not any(
            f"intent '{name}' is listed in the domain file, but is not found in the NLU training data" in line
            for name in INJECTED_INTENTS
        )
    ]
    assert not problems, problems
