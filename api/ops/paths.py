"""Where the two Python environments and the trained models live."""

from __future__ import annotations

import os
from pathlib import Path

from api.core.settings import PROJECT_ROOT

VENVS = Path(os.environ.get("LABORBOT_VENVS", PROJECT_ROOT / ".venvs"))
RASA_PYTHON = VENVS / "rasa" / "bin" / "python"
RASA_BIN = VENVS / "rasa" / "bin" / "rasa"
MODELS_DIR = PROJECT_ROOT / "models"
# Everything whose change requires retraining the NLU/dialogue model.
TRAINING_INPUTS = (
    "bot",
    "nlu_data",
    "nlu",
    "knowledge_base/documents/faq",
    "knowledge_base/manifest.yml",
    "phrasebook",
)
