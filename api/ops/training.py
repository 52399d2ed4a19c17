"""Train the Rasa model only when its inputs changed (content hash in the model's file name)."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from api.core.settings import PROJECT_ROOT
from api.ops.paths import MODELS_DIR, RASA_BIN, RASA_PYTHON, TRAINING_INPUTS
from nlu.training_data import assemble

_HASHED_SUFFIXES = {".yml", ".yaml", ".txt", ".py"}


def training_hash(root: Path = PROJECT_ROOT) -> str:
    digest = hashlib.sha256()
    for top in TRAINING_INPUTS:
        for path in sorted((root / top).rglob("*")) if (root / top).is_dir() else [root / top]:
            if path.is_file() and path.suffix in _HASHED_SUFFIXES and "__pycache__" not in path.parts:
                digest.update(str(path.relative_to(root)).encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def model_path(models_dir: Path = MODELS_DIR) -> Path:
    return models_dir / f"laborbot-{training_hash()}.tar.gz"


def train_if_needed(force: bool = False, log_file: Path | None = None) -> tuple[Path, bool]:
    """Returns (model path, whether a training run happened)."""
    target = model_path()
    if target.exists() and not force:
        return target, False
    run_rasa_train(target, log_file=log_file)
    for stale in target.parent.glob("laborbot-*.tar.gz"):
        if stale != target:
            stale.unlink()
    return target, True


def run_rasa_train(target: Path, nlu_only: bool = False, log_file: Path | None = None) -> None:
    """Train with the project's config, domain and data into target (a .tar.gz path). The phrasebook's fixed
    responses and the answer cards' phrasings are assembled into a temporary directory for the run."""
    target.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="laborbot-train-"))
    domain, nlu, dialogue = assemble(PROJECT_ROOT, work)
    cmd = [str(RASA_BIN), "train", *(["nlu"] if nlu_only else []), "--config", "bot/config.yml"]
    if nlu_only:
        cmd += ["--nlu", *map(str, nlu)]
    else:
        cmd += ["--domain", str(domain), "--data", *map(str, nlu + dialogue)]
    cmd += ["--out", str(target.parent), "--fixed-model-name", target.name.removesuffix(".tar.gz")]
    env = {
        **os.environ,
        "PYTHONPATH": str(PROJECT_ROOT),
        "TF_CPP_MIN_LOG_LEVEL": "2",
        "RASA_TELEMETRY_ENABLED": "false",
    }
    if log_file is not None:
        log_file.parent.mkdir(parents=True, exist_ok=True)
    try:
        with open(log_file or os.devnull, "a", encoding="utf-8") as out:
            # The spaCy pipeline the NLU trains on, built with Rasa's spaCy (skipped when up to date).
            subprocess.run(
                [str(RASA_PYTHON), "-m", "nlu.language"],
                cwd=PROJECT_ROOT,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                check=True,
            )
            subprocess.run(cmd, cwd=PROJECT_ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, check=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)
