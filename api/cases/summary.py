"""Extractive case summary: the worker's own most informative sentences, in the order they were said.

A sentence scores one point per distinct signal it carries, so lawyers see facts rather than greetings:
  - a number (amounts, dates, durations, counts; Arabic or Chinese numerals);
  - each labour-law keyword it contains (KEYWORDS below, counted once each);
  - each extracted entity value it contains;
  - one more point when it is at least 12 characters long.
Sentences shorter than 4 characters, repeats and sentences without any signal are dropped; the best
MAX_SENTENCES are kept, up to MAX_CHARS characters in total.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

MAX_SENTENCES = 3
MAX_CHARS = 240
KEYWORDS = (
    "工资",
    "欠薪",
    "拖欠",
    "加班",
    "合同",
    "辞退",
    "开除",
    "解除",
    "裁员",
    "赔偿",
    "补偿",
    "社保",
    "公积金",
    "工伤",
    "受伤",
    "医院",
    "怀孕",
    "产假",
    "试用期",
    "年假",
    "仲裁",
    "起诉",
    "老板",
    "公司",
    "单位",
    "工地",
    "押金",
    "离职",
    "劳务派遣",
    "未成年",
    "罢工",
    "堵门",
    "跳楼",
    "自杀",
    "打人",
    "威胁",
    "欠款",
)
_SENTENCE_END = re.compile(r"(?<=[。！？!?；;\n])")
_NUMBER = re.compile(r"[0-9０-９]|[一二三四五六七八九十百千万两]+(?:个|年|月|天|元|块|人|万|千|小时)")


def split_sentences(text: str) -> list[str]:
    return [s.strip(" \t\n，,") for s in _SENTENCE_END.split(text) if s.strip(" \t\n，,")]


def sentence_score(sentence: str, entity_values: Iterable[str]) -> int:
    score = sum(1 for word in KEYWORDS if word in sentence)
    score += sum(1 for value in entity_values if value and value in sentence)
    score += 1 if _NUMBER.search(sentence) else 0
    score += 1 if len(sentence) >= 12 else 0
    return score


def extractive_summary(worker_messages: Iterable[str], entities: Iterable[dict] = ()) -> str:
    values = {str(e.get("value")) for e in entities if e.get("value") not in (None, "")}
    sentences: list[str] = []
    for message in worker_messages:
        for sentence in split_sentences(message):
            if len(sentence) >= 4 and sentence not in sentences:
                sentences.append(sentence)
    scores = [sentence_score(sentence, values) for sentence in sentences]
    ranked = sorted((i for i in range(len(sentences)) if scores[i] > 0), key=lambda i: (-scores[i], i))
    chosen, length = [], 0
    for i in ranked[:MAX_SENTENCES]:
        if length + len(sentences[i]) > MAX_CHARS and chosen:
            break
        chosen.append(i)
        length += len(sentences[i])
    summary = "".join(_with_stop(sentences[i]) for i in sorted(chosen))
    return summary[:MAX_CHARS]


def _with_stop(sentence: str) -> str:
    return sentence if sentence[-1] in "。！？!?；;" else sentence + "。"
