"""Shared helpers for the benchmarks: machine facts, percentiles, dev set."""

from __future__ import annotations

import json
import os
import platform
import statistics
from pathlib import Path

import yaml

from api.core.settings import PROJECT_ROOT

HELDOUT_DIR = PROJECT_ROOT / "bench" / "data" / "heldout"
DEV_SET = Path(os.environ.get("LABORBOT_DEV_SET", PROJECT_ROOT.parent / "shared" / "eval" / "dev.jsonl"))


def machine_facts() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem_gib = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return f"{cpu}, {os.cpu_count()} cores, {mem_gib:.0f} GiB RAM, Python {platform.python_version()}"


def percentile(samples: list[float], pct: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(round(pct / 100 * (len(ordered) - 1))))]


def median(samples: list[float]) -> float:
    return statistics.median(samples)


def load_dev(path: Path = DEV_SET) -> list[dict]:
    return [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]


def load_heldout() -> list[tuple[str, str]]:
    """(card id, phrasing) written with the cards and never trained on (bench/data/heldout/)."""
    rows = []
    for path in sorted(HELDOUT_DIR.glob("*.yml")):
        rows += [(r["card"], r["text"]) for r in (yaml.safe_load(path.read_text("utf-8")) or {}).get("heldout") or []]
    return rows
