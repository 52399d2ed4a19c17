"""A stand-in for the Rasa server where the dialogue is not what is tested.

parse(): the intent a test scripted for a text, else a small keyword rule, else out_of_scope.
turn(): what action_respond would say for the app's decision (text, buttons, citations), unless a test
queued the exact output of the next turn (e.g. the end of the handoff form with its open_case event).
Every turn is recorded, so tests can check what Rasa was sent (masked text, the intent, the metadata).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

from api.nlu.client import ParseResult, RasaUnavailable

KEYWORDS = (
    ("request_human", ("转人工", "找律师", "人工")),
    ("greet", ("你好", "您好")),
    ("thank", ("谢谢",)),
    ("work_injury", ("工伤", "公伤", "伤残")),
    ("wage_arrears", ("工资", "工钱", "欠薪")),
    ("overtime_hours", ("加班",)),
    ("dismissal", ("辞退", "开除", "补偿")),
    ("social_insurance", ("社保",)),
)


@dataclass
class Turn:
    sender: str
    text: str
    parse_data: dict
    metadata: dict


@dataclass
class FakeRasa:
    intents: dict[str, tuple[str, float]] = field(default_factory=dict)
    queued: list[list[dict]] = field(default_factory=list)
    turns: list[Turn] = field(default_factory=list)
    parsed: list[str] = field(default_factory=list)
    down: bool = False
    turn_delay_s: float = 0.0  # a slow dialogue turn

    async def parse(self, text: str) -> ParseResult:
        if self.down:
            raise RasaUnavailable("fake rasa is down")
        self.parsed.append(text)
        if text in self.intents:
            intent, confidence = self.intents[text]
        else:
            intent, confidence = next(
                ((name, 0.9) for name, words in KEYWORDS if any(w in text for w in words)), ("out_of_scope", 0.3)
            )
        return ParseResult(text=text, intent=intent, confidence=confidence)

    async def turn(self, sender_id: str, text: str, parse_data: dict, metadata: dict) -> list[dict]:
        if self.down:
            raise RasaUnavailable("fake rasa is down")
        self.turns.append(Turn(sender_id, text, parse_data, metadata))
        if self.turn_delay_s:
            await asyncio.sleep(self.turn_delay_s)
        if self.queued:
            return self.queued.pop(0)
        decision = metadata.get("decision") or {}
        if not decision.get("text"):
            return []
        out = [{"recipient_id": sender_id, "text": decision["text"], "buttons": decision.get("buttons") or []}]
        if decision.get("citations"):
            out.append({"recipient_id": sender_id, "custom": {"citations": decision["citations"]}})
        return out

    async def model_loaded(self) -> bool:
        return not self.down

    async def aclose(self) -> None:
        pass


def event(kind: str, **fields) -> dict:
    """A bot message carrying an event for the app, as actions/app_events.py emits it."""
    return {"custom": {"laborbot_event": {"type": kind, **fields}}}
