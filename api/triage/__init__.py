"""Table-driven triage: escalation, priority and reasons for a worker's message (CONTRACT.md §3)."""

from api.triage.engine import TriageResult, triage

__all__ = ["TriageResult", "triage"]
