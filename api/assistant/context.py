"""What the app knows about a conversation before deciding a reply: the worker's waiting case, what the
previous question was about, the facts stated so far, and the buttons the bot last offered.

Built from the app's own tables (the transcript keeps each worker message's topic and facts), so every app
worker process sees the same context, and a preview (POST /api/v1/ask) simply has none.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.cases.models import Case
from api.cases.queries import active_case
from api.conversation.models import ConversationMessage
from api.triage.table import load_table

RECENT = 12  # messages looked back for the previous topic, facts and offered buttons


@dataclass(frozen=True)
class WaitingCase:
    id: int
    status: str  # open | claimed
    priority: str
    reasons: tuple[str, ...] = ()

    @property
    def crisis(self) -> bool:
        """Danger to someone (a risk the hotlines answer) and nobody has taken the case yet: the worker stays
        in crisis handling until a person does."""
        return self.status == "open" and bool(set(self.reasons) & crisis_reasons())


def crisis_reasons() -> set[str]:
    return {f"risk:{risk.name}" for risk in load_table().risks if risk.notice}


@dataclass
class TurnContext:
    case: WaitingCase | None = None
    previous_intent: str | None = None
    previous_text: str | None = None
    facts: dict[str, str] = field(default_factory=dict)  # stated earlier: monthly_wage, service, city, …
    offered: list[dict] = field(default_factory=list)  # buttons under the bot's last message


def load_context(db: Session, channel: str, user_id: str) -> TurnContext:
    case: Case | None = active_case(db, channel, user_id)
    context = TurnContext(
        case=WaitingCase(case.id, case.status, case.priority, tuple(case.reasons or ())) if case else None
    )
    recent = db.scalars(
        select(ConversationMessage)
        .where(ConversationMessage.channel == channel, ConversationMessage.user_id == user_id)
        .order_by(ConversationMessage.id.desc())
        .limit(RECENT)
    ).all()
    for message in recent:  # newest first
        payload = message.payload or {}
        if message.direction == "out" and not context.offered and message.author == "bot":
            context.offered = list(payload.get("buttons") or [])
        if message.direction == "in":
            for key, value in (payload.get("facts") or {}).items():
                context.facts.setdefault(key, value)
            if context.previous_intent is None and payload.get("topic"):
                context.previous_intent, context.previous_text = payload["topic"], message.text
    return context
