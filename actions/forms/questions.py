"""Every form slot: its question, the example shown when an answer is unusable, and its parser.

One table drives the `action_ask_<slot>` actions and the form validation, so a question and the way
its answer is read are defined together.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from actions.forms import answers
from actions.forms.answers import Answer
from phrasebook import options, say


@dataclass(frozen=True)
class Question:
    slot: str
    parse: Callable[[Answer], Any]
    payloads: tuple[str, ...] = ()  # one per button title in the phrasebook (forms.<slot>.buttons)
    deny_answers: bool = False  # "不是/没有" answers this question instead of leaving the form
    wording: str = ""  # phrasebook entry of the text, when it is not forms.<slot>

    @property
    def text(self) -> str:
        return say(f"forms.{self.wording or self.slot}.text")

    @property
    def example(self) -> str:
        return say(f"forms.{self.wording or self.slot}.example")

    def button_dicts(self) -> list[dict[str, str]]:
        if not self.payloads:
            return []
        titles = options(f"forms.{self.wording or self.slot}.buttons")
        return [{"title": title, "payload": payload} for title, payload in zip(titles, self.payloads)]


YES_NO = ("/affirm", "/deny")
QUESTIONS: dict[str, Question] = {
    q.slot: q
    for q in (
        # handoff to a lawyer (and the call-back number of a worker in a crisis)
        Question("handoff_description", answers.description),
        Question("district", answers.district),
        Question("phone_consent", answers.yes_no, YES_NO, deny_answers=True),
        Question("contact_phone", answers.phone),
        # feedback
        Question("feedback_score", answers.feedback_score, tuple(str(n) for n in range(1, 6))),
        # calculators
        Question("tenure", answers.service_period),
        Question("monthly_wage", answers.monthly_wage),
        Question("overtime_wage", answers.monthly_wage),
        Question("city", answers.city),
        Question("unlawful_dismissal", answers.unlawful_dismissal, ("/affirm", "/deny", "不确定"), deny_answers=True),
        Question("workday_hours", answers.hours, deny_answers=True),
        Question("rest_day_hours", answers.hours, deny_answers=True),
        Question("holiday_hours", answers.hours, deny_answers=True),
        Question("employment_start", answers.employment_start),
        Question("contract_signed_on", answers.contract_signed_on, deny_answers=True),
        Question("employment_end", answers.employment_end, ("在职",)),
        Question("cumulative_years", answers.service_period),
        Question("leave_days_taken", answers.leave_days_taken, deny_answers=True),
        Question("leave_dates", answers.leave_dates, deny_answers=True),
        Question("arbitration_wage_claim", answers.yes_no, YES_NO, deny_answers=True),
        Question("knew_on", answers.past_date),
    )
}
