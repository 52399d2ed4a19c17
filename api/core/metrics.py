"""What operators watch, in Prometheus' format (prometheus-client): how long turns and their stages take,
what was escalated and why, what the bot answered. One registry per app, so two apps in one process (tests)
never share counts. The state of the queues (outbox, lawyers' queue, index) is read when scraped, by a
collector the app registers (api/ops/state_metrics.py).

Several app workers behind one port (`laborbot run --workers N`) share their counts through
prometheus-client's multiprocess mode: the launcher sets PROMETHEUS_MULTIPROC_DIR, each worker writes its
values there, and whichever worker is scraped adds up all of them."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from contextlib import contextmanager

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector

# Turns take from a few milliseconds (a fixed answer) to WeChat's 5-second window and beyond (a slow Rasa).
TURN_BUCKETS = (0.025, 0.05, 0.1, 0.2, 0.35, 0.5, 0.75, 1.0, 1.5, 2.0, 3.0, 4.0, 5.0, 8.0, 15.0)
STAGE_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.5, 1.0, 2.0, 5.0)
STAGES = ("nlu", "retrieval", "decide", "dialogue", "database")


class Metrics:
    content_type = CONTENT_TYPE_LATEST

    def __init__(self) -> None:
        if shared_dir := os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
            os.makedirs(shared_dir, exist_ok=True)  # emptied by whoever started the workers
        self.registry = CollectorRegistry()
        self._collectors: list[Collector] = []  # read when scraped (the queues' state)
        self.turn_seconds = Histogram(
            "laborbot_turn_seconds",
            "A worker message from arrival to the stored reply, by channel",
            ["channel"],
            buckets=TURN_BUCKETS,
            registry=self.registry,
        )
        self.stage_seconds = Histogram(
            "laborbot_stage_seconds",
            "Time spent in one stage of a turn: nlu (Rasa parse), retrieval (knowledge base), decide (the "
            "whole reply decision incl. retrieval and triage), dialogue (Rasa's turn), database",
            ["stage"],
            buckets=STAGE_BUCKETS,
            registry=self.registry,
        )
        self.replies = Counter(
            "laborbot_replies_total",
            "Replies by kind (card, probable, unsure, crisis, …)",
            ["kind"],
            registry=self.registry,
        )
        self.escalations = Counter(
            "laborbot_escalations_total",
            "Cases opened, by their first (most urgent) reason",
            ["reason"],
            registry=self.registry,
        )
        self.rasa_failures = Counter(
            "laborbot_rasa_unavailable_total", "Turns on which Rasa did not answer", registry=self.registry
        )

    @contextmanager
    def timed(self, stage: str) -> Iterator[None]:
        started = time.perf_counter()
        try:
            yield
        finally:
            self.stage_seconds.labels(stage).observe(time.perf_counter() - started)

    def register(self, collector: Collector) -> None:
        self.registry.register(collector)
        self._collectors.append(collector)

    def exposition(self) -> bytes:
        shared_dir = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
        if not shared_dir:
            return generate_latest(self.registry)
        every_worker = CollectorRegistry()
        MultiProcessCollector(every_worker, path=shared_dir)
        for collector in self._collectors:
            every_worker.register(collector)
        return generate_latest(every_worker)
