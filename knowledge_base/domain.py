"""Domain data kept as files staff can edit: colloquial->legal expansions, intent priors, next steps."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .corpus import load_yaml

DATA_FILES = ("expansion.yml", "priors.yml", "next_steps.yml")


@dataclass
class Prior:
    law: str
    article: int
    weight: float


@dataclass
class DomainData:
    expansions: dict[str, list[str]] = field(default_factory=dict)
    priors: dict[str, list[Prior]] = field(default_factory=dict)
    next_steps: dict[str, list[str]] = field(default_factory=dict)
    default_next_steps: list[str] = field(default_factory=list)

    @classmethod
    def load(cls, data_dir: Path) -> DomainData:
        """Missing files simply mean no expansion/priors/steps; malformed entries raise."""

        def read(name: str) -> dict:
            path = data_dir / name
            return (load_yaml(path.read_text(encoding="utf-8")) or {}) if path.exists() else {}

        expansions = {
            str(k): [str(t) for t in (v or [])] for k, v in (read("expansion.yml").get("expansions") or {}).items()
        }
        priors = {}
        for intent, rows in (read("priors.yml").get("priors") or {}).items():
            priors[str(intent)] = [
                Prior(str(r["law"]), int(r["article"]), float(r.get("weight", 1.0))) for r in rows or []
            ]
            if any(not 0 < p.weight <= 1 for p in priors[str(intent)]):
                raise ValueError(f"priors.yml: weight outside (0, 1] for intent {intent}")
        steps_file = read("next_steps.yml")
        steps = {str(k): [str(s) for s in v or []] for k, v in (steps_file.get("next_steps") or {}).items()}
        default = steps.pop("default", None) or [str(s) for s in steps_file.get("default") or []]
        return cls(expansions=expansions, priors=priors, next_steps=steps, default_next_steps=default)

    def expand(self, text: str) -> list[str]:
        """Legal terms for every colloquial term found in the text, longest terms first, no duplicates."""
        terms: list[str] = []
        for colloquial in sorted(self.expansions, key=len, reverse=True):
            if colloquial in text:
                terms += [t for t in self.expansions[colloquial] if t not in terms and t not in text]
        return terms
