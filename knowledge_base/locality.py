"""Beijing wording of an answer, read by a worker who works in another city.

Cards are written for Beijing workers: they name Beijing's offices and standards ("以北京市人社局公布的
为准", "不低于北京最低工资标准的80%") and a few Beijing-only rules (seven more days of marriage leave,
five days of childcare leave, a pilot started in 2022). For a worker in another city the offices and
standards become the local ones ("当地"), and a clause that states a Beijing-only rule is left out: it
would read as their city's rule. The national rule around it stays.
"""

from __future__ import annotations

import re

_BEIJING = re.compile(r"北京市|北京|本市|离京|在京(?!津冀)")
_LOCAL = {"离京": "离开当地", "在京": "在当地"}  # the short name 京 in "离京回老家", "在京单位"
# A clause that states what Beijing itself adds or decides, not where to ask or which standard applies.
_BEIJING_ONLY = re.compile(r"再加|再增加|另加|增加\d+天|育儿假|试点|从\d{4}年|\d+个?(?:工作日|天)")
# A clause that points to the local standard or office: it holds in every city with 当地 for 北京.
_POINTER = re.compile(r"标准|为准|人社|医保|社保|公积金|总工会|仲裁|口径|热线|12333|12351|12393|查询|问清|确认")
_SENTENCE = re.compile(r"(?<=[。；！？])")
_CLAUSE = re.compile(r"(?<=[，：])")


def localise(text: str) -> str:
    """``text`` for a worker outside Beijing: Beijing's offices and standards as the local ones, clauses
    that state a Beijing-only rule left out (and a condition left without its consequence with them)."""
    if not _BEIJING.search(text):
        return text
    return "".join(_sentence(s) for s in _SENTENCE.split(text))


def _sentence(sentence: str) -> str:
    if not _BEIJING.search(sentence):
        return sentence
    clauses = _CLAUSE.split(sentence)
    kept = [c for c in clauses if not _beijing_only(c)]
    if len(kept) < len(clauses) and kept and kept[-1].rstrip("，：").endswith("的"):
        return ""  # "孩子不满3周岁的，" would be left waiting for the rule that was taken out
    out = _BEIJING.sub(lambda m: _LOCAL.get(m.group(), "当地"), "".join(kept))
    if out and clauses[-1] not in kept:  # the sentence's own end mark went with its last clause
        end = clauses[-1][-1:]
        out = out.rstrip("，：") + (end if end in "。；！？" else "")
    return out


def _beijing_only(clause: str) -> bool:
    return bool(_BEIJING.search(clause)) and bool(_BEIJING_ONLY.search(clause)) and not _POINTER.search(clause)
