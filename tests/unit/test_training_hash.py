import shutil

from api.core.settings import PROJECT_ROOT
from api.ops.paths import TRAINING_INPUTS
from api.ops.training import training_hash


def test_hash_changes_only_when_training_inputs_change(tmp_path):
    for top in TRAINING_INPUTS:
        source, copy = PROJECT_ROOT / top, tmp_path / top
        if source.is_dir():
            shutil.copytree(source, copy, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            copy.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(source, copy)
    before = training_hash(tmp_path)
    (tmp_path / "README.md").write_text("docs do not retrain")
    assert training_hash(tmp_path) == before
    with (tmp_path / "nlu_data" / "dialogue" / "greet.yml").open("a", encoding="utf-8") as f:
        f.write("    - 师傅好\n")
    assert training_hash(tmp_path) != before
