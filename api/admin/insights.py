"""What workers need, in aggregates only (no texts, no ids, no phone numbers): inquiries per day by topic,
escalation rate and reasons, time to claim and to close, feedback scores, top districts and industries."""

from __future__ import annotations

import csv
import io
import statistics
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.admin.topics import UNCLASSIFIED, inquiries_query
from api.cases.models import Case
from api.conversation.models import ConversationMessage, Feedback
from api.core.db import as_utc

TOP_TOPICS = 7  # the rest of the topics are summed as "其他" in the daily chart


@dataclass
class Durations:
    count: int = 0
    median_min: float | None = None
    mean_min: float | None = None
    p90_min: float | None = None

    @classmethod
    def of(cls, minutes: list[float]) -> Durations:
        if not minutes:
            return cls()
        ordered = sorted(minutes)
        return cls(
            len(ordered),
            round(statistics.median(ordered), 1),
            round(statistics.fmean(ordered), 1),
            round(ordered[min(len(ordered) - 1, int(0.9 * len(ordered)))], 1),
        )


@dataclass
class Insights:
    days: list[str]
    per_day: dict[str, list[int]]  # topic -> inquiries per day
    topic_totals: list[tuple[str, int]]
    inquiries: int
    escalations: int
    reasons: list[tuple[str, int]]
    to_claim: Durations
    to_close: Durations
    scores: dict[str, list[int]]  # about (answer|case) -> counts of scores 1..5
    districts: list[tuple[str, int]]
    industries: list[tuple[str, int]]
    unclassified: int = 0

    @property
    def escalation_rate(self) -> float | None:
        return round(100 * self.escalations / self.inquiries, 1) if self.inquiries else None

    def mean_score(self, about: str) -> float | None:
        counts = self.scores[about]
        total = sum(counts)
        return round(sum((i + 1) * n for i, n in enumerate(counts)) / total, 2) if total else None


def compute(db: Session, days: int = 30, today: date | None = None) -> Insights:
    today = today or datetime.now(timezone.utc).date()
    first = today - timedelta(days=days - 1)
    since = datetime.combine(first, datetime.min.time(), tzinfo=timezone.utc)
    day_names = [(first + timedelta(days=i)).isoformat() for i in range(days)]

    rows = db.execute(
        inquiries_query()
        .with_only_columns(ConversationMessage.created_at, ConversationMessage.payload)
        .where(ConversationMessage.created_at >= since)
    ).all()
    per_topic_day: Counter = Counter()
    topics: Counter = Counter()
    districts: Counter = Counter()
    industries: Counter = Counter()
    for created_at, payload in rows:
        topic = (payload or {}).get("topic") or UNCLASSIFIED
        topics[topic] += 1
        per_topic_day[(topic, as_utc(created_at).date().isoformat())] += 1
        _count_entities((payload or {}).get("entities") or [], districts, industries)

    cases = db.scalars(select(Case).where(Case.opened_at >= since)).all()
    reasons: Counter = Counter(r for c in cases for r in (c.reasons or []))
    for case in cases:
        if case.district:
            districts[case.district] += 1
        _count_entities(case.facts or [], Counter(), industries)
    claim = [(as_utc(c.claimed_at) - as_utc(c.opened_at)).total_seconds() / 60 for c in cases if c.claimed_at]
    close = [(as_utc(c.closed_at) - as_utc(c.opened_at)).total_seconds() / 60 for c in cases if c.closed_at]

    scores = {"answer": [0] * 5, "case": [0] * 5}
    for about, score in db.execute(select(Feedback.about, Feedback.score).where(Feedback.created_at >= since)):
        if about in scores and 1 <= score <= 5:
            scores[about][score - 1] += 1

    ranked = [t for t, _ in topics.most_common()]
    shown, rest = ranked[:TOP_TOPICS], ranked[TOP_TOPICS:]
    per_day = {t: [per_topic_day[(t, d)] for d in day_names] for t in shown}
    if rest:
        per_day["other"] = [sum(per_topic_day[(t, d)] for t in rest) for d in day_names]
    return Insights(
        days=day_names,
        per_day=per_day,
        topic_totals=topics.most_common(),
        inquiries=len(rows),
        escalations=len(cases),
        reasons=reasons.most_common(),
        to_claim=Durations.of(claim),
        to_close=Durations.of(close),
        scores=scores,
        districts=districts.most_common(10),
        industries=industries.most_common(10),
        unclassified=topics.get(UNCLASSIFIED, 0),
    )


def _count_entities(entities: list[dict], districts: Counter, industries: Counter) -> None:
    for ent in entities:
        value = str(ent.get("value") or "").strip()
        if not value:
            continue
        if ent.get("entity") == "district":
            districts[value] += 1
        elif ent.get("entity") == "employer_type":
            industries[value] += 1


def to_csv(ins: Insights, label) -> str:
    """metric, key, value rows; ``label`` turns topic/reason codes into the Chinese names staff read."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["指标", "项目", "数值"])
    for topic, values in ins.per_day.items():
        for day, n in zip(ins.days, values):
            writer.writerow(["每日咨询量", f"{day} {label(topic)}", n])
    for topic, n in ins.topic_totals:
        writer.writerow(["咨询量（按主题）", label(topic), n])
    writer.writerow(["咨询总量", "", ins.inquiries])
    writer.writerow(["转人工案件数", "", ins.escalations])
    writer.writerow(["转人工率（%）", "", "" if ins.escalation_rate is None else ins.escalation_rate])
    for reason, n in ins.reasons:
        writer.writerow(["转人工原因", label(reason), n])
    for name, d in (("认领用时（分钟）", ins.to_claim), ("结案用时（分钟）", ins.to_close)):
        for key, value in (("件数", d.count), ("中位数", d.median_min), ("平均", d.mean_min), ("90分位", d.p90_min)):
            writer.writerow([name, key, "" if value is None else value])
    for about, counts in ins.scores.items():
        for i, n in enumerate(counts):
            writer.writerow(["评价分布", f"{'回答' if about == 'answer' else '律师服务'} {i + 1}分", n])
    for name, rows in (("区县", ins.districts), ("行业/单位类型", ins.industries)):
        for key, n in rows:
            writer.writerow([name, key, n])
    return "\ufeff" + out.getvalue()  # BOM: Excel opens UTF-8 Chinese correctly
