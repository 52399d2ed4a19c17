"""Decides whether a worker's message opens a case for the lawyers, how urgently, and why."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field

from api.triage.table import PRIORITIES, Table, load_table

_WHITESPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class TriageResult:
    escalate: bool
    priority: str | None  # "urgent" | "high" | "normal" when escalating, else None
    reasons: list[str]  # most urgent first, e.g. ["risk:self_harm", "user_request"]
    emergency_notice: str | None  # Chinese text with emergency numbers, only for crisis risks
    evidence: dict[str, str] = field(default_factory=dict)  # reason -> text that triggered it


def normalize(text: str) -> str:
    """Full-width to half-width, lower case, no whitespace: chat text splits words with stray spaces."""
    return _WHITESPACE.sub("", unicodedata.normalize("NFKC", text).lower())


def triage(
    text: str,
    intent: str,
    user_requested: bool = False,
    entities: Iterable[dict] = (),
    table: Table | None = None,
) -> TriageResult:
    """A case opens for a risk a lawyer must see, or because the worker asked for a person. An answer the
    bot is unsure of is not a case: it goes to staff's unanswered list and the worker is offered a person."""
    table = table or load_table()
    entities = list(entities)
    found: dict[str, tuple[str, str]] = {}  # reason -> (priority, evidence)

    if user_requested or intent == "request_human":
        found["user_request"] = (table.reason_priority["user_request"], "")

    clean = normalize(text)
    for risk in table.risks:
        hit = risk.match(clean, entities, table.negation_cue)
        if hit is not None:
            found[f"risk:{risk.name}"] = (risk.priority, hit)

    if not found:
        return TriageResult(escalate=False, priority=None, reasons=[], emergency_notice=None)
    reasons = sorted(found, key=lambda r: PRIORITIES.index(found[r][0]))  # stable: table order within a rank
    return TriageResult(
        escalate=True,
        priority=found[reasons[0]][0],
        reasons=reasons,
        emergency_notice=_emergency_notice(table, reasons),
        evidence={r: found[r][1] for r in reasons if found[r][1]},
    )


def _emergency_notice(table: Table, reasons: list[str]) -> str | None:
    notices = [risk.notice for risk in table.risks if risk.notice and f"risk:{risk.name}" in reasons]
    if not notices:
        return None
    e = table.emergency
    return "\n".join([e["header"], *notices, e["general"], e["footer"]])
