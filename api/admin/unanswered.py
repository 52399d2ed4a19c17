"""Worker questions the bot did not answer well: every answer it was unsure of, and every answer a worker
marked unhelpful or scored 1–2 (the conversation service records each of them in unanswered_questions,
with the reason and the cards it considered).

Grouping: by topic (the NLU topic of the question), then by wording similarity:
character-bigram Jaccard similarity after removing punctuation, spaces and digits, greedy single-link
clustering at SIMILARITY >= 0.3. Chinese has no spaces, and two phrasings of one question share many
character pairs, so this groups close paraphrases without a model, in microseconds per pair. It misses
paraphrases with different words ("拖欠工资" / "欠我工资" scores ~0.16): a dense-embedding variant
(knowledge_base.embedders) would catch those at the price of embedding every question.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.admin.topics import UNCLASSIFIED
from api.conversation.models import UnansweredQuestion
from nlu.language import mask_pii

SIMILARITY = 0.3
_NOISE = re.compile(r"[\W_\d]+")  # punctuation, spaces, digits and masked numbers carry no topic


@dataclass
class Question:
    text: str  # PII masked
    topic: str
    why: str  # low_confidence | not_helpful | low_score
    reasons: list[str]
    at: datetime


@dataclass
class Cluster:
    questions: list[Question] = field(default_factory=list)
    grams: list[set[str]] = field(default_factory=list)

    @property
    def representative(self) -> Question:
        """The member most similar to the others: the best-phrased summary of the group."""
        best = max(range(len(self.questions)), key=lambda i: sum(jaccard(self.grams[i], g) for g in self.grams))
        return self.questions[best]

    @property
    def reasons(self) -> list[str]:
        return sorted({r for q in self.questions for r in q.reasons})


@dataclass
class TopicGroup:
    topic: str
    clusters: list[Cluster]

    @property
    def count(self) -> int:
        return sum(len(c.questions) for c in self.clusters)


def bigrams(text: str) -> set[str]:
    clean = _NOISE.sub("", unicodedata.normalize("NFKC", text).lower())
    return {clean[i : i + 2] for i in range(len(clean) - 1)} or {clean}


def jaccard(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a or b else 0.0


def collect(db: Session, days: int = 90) -> list[Question]:
    since = datetime.now(timezone.utc) - timedelta(days=days)
    rows = db.scalars(
        select(UnansweredQuestion).where(UnansweredQuestion.created_at >= since).order_by(UnansweredQuestion.id)
    )
    return [
        Question(mask_pii(row.text), row.topic or UNCLASSIFIED, row.reason, [row.reason], row.created_at)
        for row in rows
    ]


def group(questions: list[Question]) -> list[TopicGroup]:
    by_topic: dict[str, list[Cluster]] = {}
    for q in sorted(questions, key=lambda q: q.at):
        clusters = by_topic.setdefault(q.topic, [])
        grams = bigrams(q.text)
        scored = [(max(jaccard(grams, g) for g in c.grams), c) for c in clusters]
        best = max(scored, key=lambda s: s[0], default=(0.0, None))
        if best[1] is not None and best[0] >= SIMILARITY:
            best[1].questions.append(q)
            best[1].grams.append(grams)
        else:
            clusters.append(Cluster([q], [grams]))
    groups = [TopicGroup(t, sorted(cs, key=lambda c: -len(c.questions))) for t, cs in by_topic.items()]
    return sorted(groups, key=lambda g: -g.count)
