"""The product's queues as Prometheus gauges, read from the database when /metrics is scraped: the WeChat
outbox (backlog and the age of its oldest unsent message), the lawyers' queue (waiting cases and service-level
breaches by priority), staff's unanswered questions, and the knowledge-base version serving. Reading at scrape
time keeps the figures right whichever app worker changed them."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime, timezone

from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from api.cases.models import ACTIVE_STATUSES, Case
from api.cases.sla import SLA
from api.channels.wechat.models import WechatOutbox
from api.conversation.models import UnansweredQuestion
from api.core.db import as_utc


class ProductState(Collector):
    def __init__(self, sessions: sessionmaker[Session], index_version: Callable[[], str | None]) -> None:
        self._sessions = sessions
        self._index_version = index_version

    def collect(self) -> Iterator[GaugeMetricFamily]:
        now = datetime.now(timezone.utc)
        with self._sessions() as db:
            yield from self._outbox(db, now)
            yield from self._queue(db, now)
            unanswered = db.scalar(select(func.count()).select_from(UnansweredQuestion)) or 0
        yield GaugeMetricFamily(
            "laborbot_unanswered_questions", "Questions in staff's unanswered queue", value=unanswered
        )
        version = GaugeMetricFamily(
            "laborbot_index_version",
            "The knowledge-base index version this worker serves (1 = serving)",
            labels=["version"],
        )
        serving = self._index_version()
        version.add_metric([serving or "none"], 1 if serving else 0)
        yield version

    def _outbox(self, db: Session, now: datetime) -> Iterator[GaugeMetricFamily]:
        pending, oldest = db.execute(
            select(func.count(), func.min(WechatOutbox.created_at)).where(WechatOutbox.status == "pending")
        ).one()
        yield GaugeMetricFamily("laborbot_outbox_pending", "WeChat messages waiting to be pushed", value=pending)
        age = (now - as_utc(oldest)).total_seconds() if oldest is not None else 0.0
        yield GaugeMetricFamily(
            "laborbot_outbox_oldest_age_seconds", "Age of the oldest WeChat message not yet pushed", value=age
        )

    def _queue(self, db: Session, now: datetime) -> Iterator[GaugeMetricFamily]:
        waiting = GaugeMetricFamily(
            "laborbot_cases_waiting", "Active cases no lawyer has answered yet, by priority", labels=["priority"]
        )
        breached = GaugeMetricFamily(
            "laborbot_cases_sla_breached",
            "Of those, the cases past their service level for a first reply (urgent 15 min, high 2 h, normal 24 h)",
            labels=["priority"],
        )
        rows = db.execute(
            select(Case.priority, Case.opened_at).where(
                Case.status.in_(ACTIVE_STATUSES), Case.first_response_at.is_(None)
            )
        ).all()
        for priority, allowance in SLA.items():
            opened = [as_utc(at) for p, at in rows if p == priority]
            waiting.add_metric([priority], len(opened))
            breached.add_metric([priority], sum(1 for at in opened if now - at > allowance))
        yield waiting
        yield breached
