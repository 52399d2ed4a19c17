"""Worker questions the bot did not answer well: escalated to a lawyer (which includes every low-confidence
answer: triage escalates those) or followed by a low score (1–2) for the answer.

Grouping: by topic (the case's topic, else the NLU topic of the message), then by wording similarity:
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

from api.admin.models import MessageTopic
from api.admin.topics import UNCLASSIFIED
from api.cases.models import Case
from api.conversation.feedback import parse_score
from api.conversation.models import ConversationMessage, Feedback
from nlu.zh_parse import mask_pii

SIMILARITY = 0.3
NEGATIVE_SCORE = 2
_NOISE = re.compile(r"[\W_\d]+")  # punctuation, spaces, digits and masked numbers carry no topic


@dataclass
class Question:
    text: str  # PII masked
    topic: str
    why: str  # escalated:<reasons> | negative_feedback
    reasons: list[str]
    at: datetime


@dataclass
class Cluster:
    questions: list[Question] = field(default_factory=list)
    grams: list[set[str]] = field(default_factory=list)

    @property
    def representative(self) -> Question:
        """The member most similar to the others: the best-phrased summary of the group."""
        best = max(range(len(self.questions)),
                   key=lambda i: sum(jaccard(self.grams[i], g) for g in self.grams))
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
    return {clean[i:i + 2] for i in range(len(clean) - 1)} or {clean}


def jaccard(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a or b else 0.0


def collect(db: Session, days: int = 90) -> list[Question]:
    since = datetime.now(timezone.utc) - timedelta(days=days)
    found: list[Question] = []
    for case in db.scalars(select(Case).where(Case.opened_at >= since)):
        text = case.description or _last_question(db, case.channel, case.user_id, case.opened_at)
        if text:
            found.append(Question(mask_pii(text), case.topic or UNCLASSIFIED, "escalated", list(case.reasons or []),
                                  case.opened_at))
    for fb in db.scalars(select(Feedback).where(Feedback.about == "answer", Feedback.score <= NEGATIVE_SCORE,
                                                Feedback.created_at >= since)):
        message = _last_question_row(db, fb.channel, fb.user_id, fb.created_at)
        if message is not None:
            topic = db.scalar(select(MessageTopic.intent).where(MessageTopic.message_id == message.id))
            found.append(Question(mask_pii(message.text), topic or UNCLASSIFIED, "negative_feedback",
                                  [f"negative_feedback:{fb.score}"], fb.created_at))
    return found


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


def _last_question_row(db: Session, channel: str, user_id: str, before: datetime) -> ConversationMessage | None:
    """The worker's latest message to the bot before ``before`` that is a question, not a bare 1–5 score."""
    rows = db.scalars(
        select(ConversationMessage).where(
            ConversationMessage.channel == channel, ConversationMessage.user_id == user_id,
            ConversationMessage.direction == "in", ConversationMessage.case_id.is_(None),
            ConversationMessage.created_at <= before)
        .order_by(ConversationMessage.id.desc()).limit(5))
    return next((m for m in rows if parse_score(m.text) is None and m.text.strip()), None)


def _last_question(db: Session, channel: str, user_id: str, before: datetime) -> str:
    row = _last_question_row(db, channel, user_id, before)
    return row.text if row else ""
