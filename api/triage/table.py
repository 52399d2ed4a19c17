"""Loads rules.yml into compiled, validated rules so a typo in the table fails at start-up, not mid-chat."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

from api.triage.numbers import parse_count, parse_entity_value

TABLE_PATH = Path(__file__).with_name("rules.yml")
PRIORITIES = ("urgent", "high", "normal")  # most urgent first
_FRAGMENT = re.compile(r"\{([a-z_]+)\}")


class TableError(ValueError):
    """rules.yml is malformed; the message names the offending entry."""


Bounds = tuple[int | None, int | None]


def _in_bounds(value: int | None, bounds: Bounds) -> bool:
    low, high = bounds
    return value is not None and (low is None or value >= low) and (high is None or value <= high)


@dataclass(frozen=True)
class Rule:
    """All conditions must hold: every `all` pattern, one `any` pattern, the entity bounds, no `unless`."""

    all: tuple[re.Pattern, ...] = ()
    any: tuple[re.Pattern, ...] = ()
    unless: tuple[re.Pattern, ...] = ()
    numbers: dict[str, Bounds] = field(default_factory=dict)
    entity: dict[str, Bounds] = field(default_factory=dict)

    def match(self, text: str, entities, negation_cue: re.Pattern) -> str | None:
        """The text fragment that made the rule fire, or None."""
        if any(p.search(text) for p in self.unless):
            return None
        evidence = []
        for pattern in self.all:
            hit = self._hit(pattern, text, negation_cue)
            if hit is None:
                return None
            evidence.append(hit)
        if self.any:
            hit = next((h for p in self.any if (h := self._hit(p, text, negation_cue))), None)
            if hit is None:
                return None
            evidence.append(hit)
        for name, bounds in self.entity.items():
            values = (parse_entity_value(e.get("value")) for e in entities if e.get("entity") == name)
            found = next((v for v in values if _in_bounds(v, bounds)), None)
            if found is None:
                return None
            evidence.append(f"{name}={found}")
        return " / ".join(evidence)

    def _hit(self, pattern: re.Pattern, text: str, negation_cue: re.Pattern) -> str | None:
        for m in pattern.finditer(text):
            if negation_cue.search(text[max(0, m.start() - 8) : m.start()]):
                continue
            groups = m.groupdict()
            if all(
                _in_bounds(parse_count(groups[g]) if groups.get(g) else None, b)
                for g, b in self.numbers.items()
                if g in pattern.groupindex
            ):
                return m.group(0)
        return None


@dataclass(frozen=True)
class Risk:
    name: str
    priority: str
    description: str
    notice: str | None
    rules: tuple[Rule, ...]
    unless: tuple[re.Pattern, ...]

    def match(self, text: str, entities, negation_cue: re.Pattern) -> str | None:
        if any(p.search(text) for p in self.unless):
            return None
        return next((hit for rule in self.rules if (hit := rule.match(text, entities, negation_cue))), None)


@dataclass(frozen=True)
class Table:
    reason_priority: dict[str, str]
    negation_cue: re.Pattern
    risks: tuple[Risk, ...]
    emergency: dict[str, str]


def _expand(source: str, lexicon: dict[str, str], where: str) -> str:
    for _ in range(10):  # fragments may nest; bounded so a cycle is reported, not looped on
        expanded = _FRAGMENT.sub(lambda m: _lookup(lexicon, m.group(1), where), source)
        if expanded == source:
            return expanded
        source = expanded
    raise TableError(f"{where}: lexicon fragments nest too deeply (cycle?)")


def _lookup(lexicon: dict[str, str], name: str, where: str) -> str:
    if name not in lexicon:
        raise TableError(f"{where}: unknown lexicon fragment {{{name}}}")
    return lexicon[name]


def _compile(source: str, lexicon: dict[str, str], where: str) -> re.Pattern:
    expanded = _expand(source, lexicon, where)
    if re.search(r"[A-Z]", re.sub(r"\\.|\(\?P[<=]", "", expanded)):  # ignore escapes and (?P<name>
        raise TableError(f"{where}: write letters in lower case, text is lower-cased before matching")
    try:
        return re.compile(expanded)
    except re.error as exc:
        raise TableError(f"{where}: bad pattern {source!r}: {exc}") from exc


def _bounds(spec: dict, where: str) -> dict[str, Bounds]:
    unknown = {k for v in spec.values() for k in v} - {"min", "max"}
    if unknown:
        raise TableError(f"{where}: only min/max bounds are allowed, got {sorted(unknown)}")
    return {name: (v.get("min"), v.get("max")) for name, v in spec.items()}


def _patterns(specs, lexicon, where) -> tuple[re.Pattern, ...]:
    return tuple(_compile(s, lexicon, f"{where}[{i}]") for i, s in enumerate(specs or ()))


def _rule(spec: dict, lexicon: dict[str, str], where: str) -> Rule:
    unknown = set(spec) - {"all", "any", "unless", "numbers", "entity"}
    if unknown:
        raise TableError(f"{where}: unknown keys {sorted(unknown)}")
    rule = Rule(
        all=_patterns(spec.get("all"), lexicon, f"{where}.all"),
        any=_patterns(spec.get("any"), lexicon, f"{where}.any"),
        unless=_patterns(spec.get("unless"), lexicon, f"{where}.unless"),
        numbers=_bounds(spec.get("numbers", {}), where),
        entity=_bounds(spec.get("entity", {}), where),
    )
    if not (rule.all or rule.any or rule.entity):
        raise TableError(f"{where}: a rule needs at least one of all/any/entity")
    return rule


def _risk(name: str, spec: dict, lexicon: dict[str, str]) -> Risk:
    where = f"risks.{name}"
    unknown = set(spec) - {"priority", "description", "notice", "rules", "unless"}
    if unknown:
        raise TableError(f"{where}: unknown keys {sorted(unknown)}")
    if spec.get("priority") not in PRIORITIES:
        raise TableError(f"{where}: priority must be one of {PRIORITIES}")
    if not spec.get("description") or not spec.get("rules"):
        raise TableError(f"{where}: description and rules are required")
    return Risk(
        name=name,
        priority=spec["priority"],
        description=spec["description"],
        notice=spec.get("notice"),
        rules=tuple(_rule(r, lexicon, f"{where}.rules[{i}]") for i, r in enumerate(spec["rules"])),
        unless=_patterns(spec.get("unless"), lexicon, f"{where}.unless"),
    )


def parse_table(raw: dict) -> Table:
    lexicon = raw.get("lexicon", {})
    reason_priority = raw["reason_priority"]
    if any(p not in PRIORITIES for p in reason_priority.values()):
        raise TableError(f"reason_priority: priorities must be one of {PRIORITIES}")
    return Table(
        reason_priority=dict(reason_priority),
        negation_cue=_compile(raw["negation_cue"], lexicon, "negation_cue"),
        risks=tuple(_risk(name, spec, lexicon) for name, spec in raw["risks"].items()),
        emergency=dict(raw["emergency"]),
    )


@lru_cache(maxsize=1)
def load_table(path: Path = TABLE_PATH) -> Table:
    with open(path, encoding="utf-8") as fh:
        return parse_table(yaml.safe_load(fh))
