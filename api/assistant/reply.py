"""The bot's reply to one worker message: what the NLU understood, the knowledge base's answer, triage,
and what the conversation so far adds (a waiting case, the previous question, a tapped button).

One function (``compose_reply``) decides what the bot says; the channels, POST /api/v1/ask and the admin
preview all call it, so the preview shows what the live bot answers to a first message. Rasa then runs the
dialogue around the decision (rules, forms, yes/no questions) and says it (actions/respond.py).
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any, Literal, Protocol

from pydantic import BaseModel

from api.assistant.commands import Command, asks_for_a_person, typed_calculator, without_request_for_a_person
from api.assistant.context import TurnContext
from api.assistant.intents import FIXED_RESPONSES, OUT_OF_SCOPE, TOPIC_INTENTS
from api.nlu.client import ParseResult
from api.triage import triage
from knowledge_base.cards import normalise
from phrasebook import options, say

# A dialogue intent on a message this long may still be a question ("你好，我想问一下社保的事……").
QUESTION_CHARS = 10
_NO_WORDS = re.compile(r"[\d\W_]*")  # digits and punctuation alone ("2", "？？"): a rating or a slip, no question
# A request for a person that says this much more (in characters that are not punctuation) describes a problem,
# which is answered while the lawyer is found ("工钱要不回来，望律师帮忙看看怎么办").
DESCRIPTION_CHARS = 12
# A short message that leans on the previous question ("那能赔多少？", "那我该找谁？").
FOLLOW_UP_CHARS = 16
_FOLLOW_UP = re.compile(
    r"^(那|那么|那我|那他|那公司|那单位|那如果|如果|要是|还有|然后|这种情况|这样的话|这个)|"
    r"(多少|多久|几天|几个月|找谁|去哪|怎么办|怎么弄|怎么算|能赔|赔多少|合法吗|行吗|可以吗)[？?吗呢]*$"
)
# Kinds Rasa must say whatever the dialogue was doing (sent with the app_reply intent).
SAID_REGARDLESS = frozenset({"crisis", "crisis_followup", "case_status", "case_withdrawn", "case_open", "card_option"})


class Citation(BaseModel):
    law: str
    article: int
    text: str
    relevance: Literal["rests_on", "possible"] = "rests_on"


class Entity(BaseModel):
    entity: str
    value: Any
    start: int | None = None
    end: int | None = None


class Button(BaseModel):
    title: str
    payload: str


class Reply(BaseModel):
    """The shape of CONTRACT.md §3, plus what the channels show and what Rasa needs to continue."""

    intent: str
    confidence: float
    entities: list[Entity]
    answer: str
    citations: list[Citation]
    escalate: bool
    priority: Literal["urgent", "high", "normal"] | None
    reasons: list[str]
    kind: str = "fixed"  # card | cards | probable | unsure | referral | crisis | fixed | handoff | calculator …
    cards: list[str] = []
    options: list[Button] = []  # other cards the worker may have meant
    buttons: list[Button] = []  # everything tappable under the bubble, options included
    calculator: str | None = None
    expecting: Literal["feedback", "human_offer", "callback"] | None = None
    facts: dict[str, str] = {}

    def decision(self) -> dict:
        """What Rasa's action_respond needs to say this reply."""
        return {
            "kind": self.kind,
            "text": self.answer,
            "intent": self.intent,
            "expecting": self.expecting,
            "citations": [c.model_dump() for c in self.citations],
            "buttons": [b.model_dump() for b in self.buttons],
        }

    @property
    def said_regardless(self) -> bool:
        return self.kind in SAID_REGARDLESS


class ContractCitation(BaseModel):
    law: str
    article: int
    text: str


class ContractReply(BaseModel):
    """Exactly CONTRACT.md §3: what POST /api/v1/ask answers."""

    intent: str
    confidence: float
    entities: list[Entity]
    answer: str
    citations: list[ContractCitation]
    escalate: bool
    priority: Literal["urgent", "high", "normal"] | None
    reasons: list[str]

    @classmethod
    def of(cls, reply: Reply) -> ContractReply:
        return cls.model_validate(reply.model_dump(include=set(cls.model_fields)))


class AnswersQuestions(Protocol):
    @property
    def ready(self) -> bool: ...

    def answer(self, text: str, intent: str, entities: list[dict], intent_confidence: float = 0.0): ...

    def card_answer(self, card_id: str, text: str = "", entities: list[dict] | None = None): ...


def understood(parsed: ParseResult) -> ParseResult:
    """The NLU's reading, except that a message asking in so many words for a person is such a request."""
    if parsed.intent == "request_human" or not asks_for_a_person(parsed.text):
        return parsed
    return replace(parsed, intent="request_human", confidence=1.0)


def compose_reply(
    parsed: ParseResult, kb: AnswersQuestions | None, context: TurnContext | None = None, command: Command | None = None
) -> Reply:
    context = context or TurnContext()
    text, intent = parsed.text, parsed.intent
    verdict = triage(
        text,
        intent=intent,
        user_requested=intent == "request_human" or _named(command, "request_human"),
        entities=parsed.entities,
    )
    reply = Reply(
        intent=intent,
        confidence=round(parsed.confidence, 4),
        entities=[Entity(**e) for e in parsed.entities],
        answer="",
        citations=[],
        escalate=verdict.escalate,
        priority=verdict.priority,
        reasons=list(verdict.reasons),
    )
    if verdict.emergency_notice:  # danger now: the hotlines are the first and only bubble
        return _crisis(reply, verdict.emergency_notice)
    if context.case is not None and context.case.crisis:
        return _crisis_followup(reply)
    if command is not None and command.name in ("case_status", "withdraw_case", "ask_card"):
        return _command(reply, command, kb, context)
    if context.case is not None and intent == "request_human":
        reply.escalate, reply.kind = False, "case_open"
        reply.answer = say("dialogue.case_already_open", case_id=context.case.id)
        return reply
    calculator = command.value if command is not None and command.name == "calculator" else typed_calculator(text)
    if calculator:
        reply.kind, reply.calculator, reply.facts = "calculator", calculator, dict(context.facts)
        return reply
    _answer(reply, parsed, kb, context)
    if verdict.escalate and intent != "request_human":  # a risk: the app opens the case; say so
        reply.answer = f"{reply.answer}\n\n{say('fixed.handoff_started')}".strip()
    if context.case is not None:
        reply.buttons.append(Button(title=options("dialogue.case_buttons")[0], payload="/case_status"))
    return reply


def _answer(reply: Reply, parsed: ParseResult, kb: AnswersQuestions, context: TurnContext) -> None:
    text, intent = parsed.text, parsed.intent
    asks = (intent in TOPIC_INTENTS or intent == OUT_OF_SCOPE) and not _NO_WORDS.fullmatch(text)
    follow_up = _follow_up(parsed, context)
    problem = _described_problem(text) if intent == "request_human" else None
    ready = kb is not None and kb.ready
    if (asks or follow_up is not None) and not ready:
        reply.kind, reply.answer = "fixed", say("answer.not_ready")
        return
    kb_answer = None
    if follow_up is not None:
        kb_answer = kb.answer(follow_up, context.previous_intent, parsed.entities, 0.5)
    elif asks:
        kb_answer = kb.answer(text, intent, parsed.entities, parsed.confidence)
    elif ready and problem is not None:
        topic = next((r for r in parsed.ranking if r.get("name") in TOPIC_INTENTS), {})
        candidate = kb.answer(problem, topic.get("name"), parsed.entities, float(topic.get("confidence") or 0.0))
        kb_answer = candidate if candidate.kind in ("card", "cards") else None  # a guess would wait for the lawyer
    elif ready and intent not in ("request_human", "affirm", "deny") and len(text) >= QUESTION_CHARS:
        candidate = kb.answer(text, intent, parsed.entities, parsed.confidence)
        kb_answer = candidate if candidate.kind in ("card", "cards") else None
    if kb_answer is None and problem is not None:
        reply.kind, reply.answer = "handoff", say("answer.handoff_described")  # not asked to describe it again
        return
    if kb_answer is None:
        reply.kind = "handoff" if intent == "request_human" else "fixed"
        reply.answer = say(FIXED_RESPONSES[intent]) if intent in FIXED_RESPONSES else say("answer.rephrase")
        return
    _take(reply, kb_answer)
    if intent == "request_human":
        _while_a_lawyer_is_found(reply)
    if follow_up is not None and reply.kind in ("card", "cards", "probable", "unsure"):
        reply.intent = context.previous_intent or reply.intent


def _take(reply: Reply, kb_answer) -> None:
    """Put a knowledge-base answer into the reply, with the buttons that fit it."""
    reply.kind, reply.answer = kb_answer.kind, kb_answer.text
    reply.citations = [Citation(**c) for c in kb_answer.citations]
    reply.cards, reply.calculator, reply.facts = kb_answer.cards, kb_answer.calculator, kb_answer.facts
    reply.options = [Button(**o) for o in kb_answer.options]
    reply.reasons += [r for r in kb_answer.reasons if r not in reply.reasons]
    reply.buttons = list(reply.options)
    if kb_answer.calculator:
        label = say(f"calculators.{kb_answer.calculator}")
        reply.buttons.append(
            Button(
                title=say("answer.calculator_button", label=label),
                payload=f'/inform{{"calculator":"{kb_answer.calculator}"}}',
            )
        )
    if reply.kind in ("card", "cards", "probable"):
        helpful, unhelpful, human = options("dialogue.feedback_buttons")
        reply.buttons += [
            Button(title=helpful, payload="/affirm"),
            Button(title=unhelpful, payload="/deny"),
            Button(title=human, payload="/request_human"),
        ]
        reply.expecting = "feedback"
    elif reply.kind == "unsure":
        reply.buttons.append(Button(title=say("dialogue.human_button"), payload="/affirm"))
        reply.expecting = "human_offer"


def _described_problem(text: str) -> str | None:
    """What a request for a person says about the problem, when it says enough to be looked up: without the
    words asking for a lawyer, which would match the cards about lawyers."""
    problem = without_request_for_a_person(text)
    return problem if len(normalise(problem)) >= DESCRIPTION_CHARS else None


def _while_a_lawyer_is_found(reply: Reply) -> None:
    """An answer to a worker who asked for a lawyer and described the problem: it says that a lawyer is being
    found instead of inviting them to ask for one, and offers nothing to tap (the handoff's questions follow)."""
    disclaimer = say("answer.disclaimer")
    body = reply.answer[: -len(disclaimer)] if reply.answer.endswith(disclaimer) else reply.answer
    reply.answer = body + say("answer.handoff_after_answer")
    reply.kind, reply.buttons, reply.options, reply.expecting = "handoff", [], [], None


def _follow_up(parsed: ParseResult, context: TurnContext) -> str | None:
    """The question to answer when a short message leans on the previous one, else None."""
    if context.previous_text is None or len(parsed.text) > FOLLOW_UP_CHARS:
        return None
    confident_new_topic = parsed.intent in TOPIC_INTENTS and parsed.confidence >= 0.8
    if confident_new_topic or not _FOLLOW_UP.search(parsed.text.strip()):
        return None
    return f"{context.previous_text}；{parsed.text}"


def _crisis(reply: Reply, notice: str) -> Reply:
    reply.kind, reply.expecting = "crisis", "callback"
    reply.answer = "\n".join([say("crisis.lead"), notice, say("crisis.callback_offer")])
    accept, decline = options("crisis.callback_buttons")
    reply.buttons = [Button(title=accept, payload="/affirm"), Button(title=decline, payload="/deny")]
    return reply


def _crisis_followup(reply: Reply) -> Reply:
    """Every later message, until a person takes the case: the hotlines again, nothing else."""
    reply.kind, reply.escalate, reply.priority = "crisis_followup", False, None
    reply.answer = say("crisis.followup", hotlines=say("crisis.hotlines"))
    return reply


def _command(reply: Reply, command: Command, kb: AnswersQuestions | None, context: TurnContext) -> Reply:
    if command.name == "ask_card":
        if kb is None or not kb.ready:
            reply.answer = say("answer.not_ready")
            return reply
        answer = kb.card_answer(command.value, "", [])
        if answer is None:
            reply.answer = say("answer.rephrase")
            return reply
        _take(reply, answer)
        reply.kind = "card_option"
        return reply
    if context.case is None:
        reply.kind, reply.answer = "case_status", say("dialogue.no_case")
        return reply
    if command.name == "withdraw_case":
        reply.kind, reply.answer = "case_withdrawn", say("dialogue.case_withdrawn", case_id=context.case.id)
        return reply
    from api.cases.sla import SLA, duration_text

    status = say("dialogue.case_status_claimed" if context.case.status == "claimed" else "dialogue.case_status_open")
    reply.kind = "case_status"
    reply.answer = say(
        "dialogue.case_waiting",
        case_id=context.case.id,
        status=status,
        sla=duration_text(SLA.get(context.case.priority, SLA["normal"])),
    )
    reply.buttons = [Button(title=options("dialogue.case_buttons")[1], payload="/withdraw_case")]
    return reply


def _named(command: Command | None, name: str) -> bool:
    return command is not None and command.name == name
