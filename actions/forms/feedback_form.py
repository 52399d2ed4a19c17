"""Feedback form: a 1–5 score for an answer, after "有帮助" or "没帮助"."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker

from actions.forms.base import TableFormValidation, latest_answer


class ValidateFeedbackForm(TableFormValidation):
    def name(self) -> str:
        return "validate_feedback_form"

    @property
    def form_slots(self) -> list[str]:
        return ["feedback_score"]

    def prefill(self, tracker: Tracker) -> dict[str, Any]:
        # After an answer the form starts on "有帮助"/"没帮助": remember which for the follow-up.
        intent = latest_answer(tracker).intent
        return {"answer_helpful": intent == "affirm"} if intent in ("affirm", "deny") else {}
