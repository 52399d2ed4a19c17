"""What a tapped button means. Every button carries a payload; a channel that can only send text (a WeChat
menu link, or a worker typing the button's words) is matched against the buttons the bot last offered.

    /ask_card{"card": "injury-lump-sum-by-grade"}   the worker picked one of the offered questions
    /inform{"calculator": "severance"}              start a calculator
    /case_status  /withdraw_case                    about the worker's waiting request for a lawyer
    /affirm  /deny  /request_human                  yes, no, a person
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from knowledge_base.cards import CALCULATORS

_PAYLOAD = re.compile(r"^/(?P<name>[a-z_]+)(?P<args>\{.*\})?$", re.DOTALL)
INTENT_PAYLOADS = frozenset({"affirm", "deny", "request_human"})
CASE_COMMANDS = frozenset({"case_status", "withdraw_case"})
# A typed request to run a calculator ("帮我算算加班费").
_ASKS_TO_CALCULATE = re.compile(r"算一算|算一下|算算|帮我算|计算|给我算")
_CALCULATOR_WORDS = (
    ("severance", ("经济补偿", "补偿金", "赔偿金", "N+1", "2N", "补偿", "赔偿")),
    ("double_wage", ("二倍工资", "双倍工资", "两倍工资", "2倍工资")),
    ("overtime", ("加班费", "加班工资", "加班")),
    ("annual_leave", ("年休假", "年假")),
    ("arbitration", ("仲裁时效", "时效", "仲裁期限")),
)


@dataclass(frozen=True)
class Command:
    name: str  # ask_card | calculator | case_status | withdraw_case | affirm | deny | request_human
    value: str = ""


def read_payload(payload: str) -> Command | None:
    """The command of a button payload; None for anything that is not one of ours."""
    match = _PAYLOAD.match(payload.strip())
    if not match:
        return None
    name = match["name"]
    try:
        args = json.loads(match["args"]) if match["args"] else {}
    except ValueError:
        return None
    if not isinstance(args, dict):
        return None
    if name == "ask_card" and isinstance(args.get("card"), str):
        return Command("ask_card", args["card"])
    if name == "inform" and args.get("calculator") in CALCULATORS:
        return Command("calculator", args["calculator"])
    if name in CASE_COMMANDS or name in INTENT_PAYLOADS:
        return Command(name)
    return None


def command_for(text: str, payload: str | None, offered: list[dict]) -> Command | None:
    """The command a message carries: its payload, or the offered button whose title it repeats."""
    if payload:
        return read_payload(payload)
    clean = text.strip()
    for button in offered:
        if clean == str(button.get("title", "")).strip():
            return read_payload(str(button.get("payload", "")))
    return None


# A typed request for a person, however the NLU classified the rest of the message ("客服 客服 转人工服务",
# "帮俺约一下工会的律师"). Questions about lawyers ("请律师要多少钱", "找律师有用吗") are not requests.
_ASKS_FOR_A_PERSON = re.compile(
    r"转人工|人工客服|人工服务|(?:有没有|找|要|转|换)(?:个)?(?:真人|活人)|律师在(?:吗|么|不在)|有律师吗"
    r"|(?:帮|给)(?:我|俺|咱)(?:约|找|联系|安排|叫)(?:一下|个|一个)?[^，。,.!?！？]{0,6}律师(?!费)"
    r"|让律师(?:跟|和|给)(?:我|俺)|(?:想|要)(?:跟|和|找)律师(?:当面)?(?:说|谈|聊|咨询)"
    r"|(?:希望|望|请|求)[^，。,.!?！？]{0,4}律师(?:帮|给|看)(?:忙|我|们|一下|看)*"
    r"|不(?:想|要|愿意?)(?:再)?(?:跟|和|对着)机器"  # 不想跟机器说话: whoever they name, they want a person
)


def asks_for_a_person(text: str) -> bool:
    return bool(_ASKS_FOR_A_PERSON.search(text))


def without_request_for_a_person(text: str) -> str:
    """The message without its request for a person: what it says about the problem, if anything."""
    return _ASKS_FOR_A_PERSON.sub("", text)


def typed_calculator(text: str) -> str | None:
    """The calculator a worker explicitly asks to run in words, if any."""
    if not _ASKS_TO_CALCULATE.search(text):
        return None
    return next((key for key, words in _CALCULATOR_WORDS if any(w in text for w in words)), None)
