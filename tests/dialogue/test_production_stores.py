"""Rasa's production endpoints (deploy/k8s/rasa-endpoints.yml) against the local PostgreSQL and Redis: read
the way Rasa reads them (variables substituted), the tracker store keeps a conversation that a second
replica's store reads back, and the lock store lets only one replica hold a conversation's lock."""

from __future__ import annotations

import asyncio
import uuid
from pathlib import Path

import pytest
from rasa.core.lock_store import RedisLockStore
from rasa.core.lock_store import _create_from_endpoint_config as create_lock_store
from rasa.core.tracker_store import SQLTrackerStore, TrackerStore
from rasa.core.utils import AvailableEndpoints
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

ENDPOINTS = Path(__file__).resolve().parents[2] / "deploy" / "k8s" / "rasa-endpoints.yml"
LOCAL = {
    "ACTION_SERVER_URL": "http://127.0.0.1:5055/webhook",
    "RASA_DB_HOST": "127.0.0.1",
    "RASA_DB_PORT": "5432",
    "RASA_DB_NAME": "postgres",
    "RASA_DB_USER": "postgres",
    "RASA_DB_PASSWORD": "",
    "RASA_REDIS_HOST": "127.0.0.1",
    "RASA_REDIS_PORT": "6379",
    "RASA_REDIS_DB": "1",
}


@pytest.fixture
def endpoints(monkeypatch) -> AvailableEndpoints:
    for name, value in LOCAL.items():
        monkeypatch.setenv(name, value)
    return AvailableEndpoints.read_endpoints(str(ENDPOINTS))


def test_a_conversation_saved_by_one_replica_is_read_by_another(endpoints):
    domain = Domain.empty()
    replica_a = TrackerStore.create(endpoints.tracker_store, domain)
    replica_b = TrackerStore.create(endpoints.tracker_store, domain)
    assert isinstance(replica_a, SQLTrackerStore) and replica_a.engine.dialect.name == "postgresql"
    sender = f"web:deploy-{uuid.uuid4().hex[:12]}"
    tracker = DialogueStateTracker.from_events(
        sender, [ActionExecuted("action_listen"), UserUttered("老板欠我工资", {"name": "wage_arrears"})]
    )
    asyncio.run(replica_a.save(tracker))
    read_back = asyncio.run(replica_b.retrieve(sender))
    assert read_back is not None and read_back.latest_message.text == "老板欠我工资"


def test_a_second_replica_waits_for_the_conversation_s_lock(endpoints):
    replica_a, replica_b = create_lock_store(endpoints.lock_store), create_lock_store(endpoints.lock_store)
    assert isinstance(replica_a, RedisLockStore) and replica_a.key_prefix.startswith("laborbot")
    sender = f"web:lock-{uuid.uuid4().hex[:12]}"
    order: list[str] = []

    async def b_turn() -> None:
        async with replica_b.lock(sender, lock_lifetime=30, wait_time_in_seconds=0.01):
            order.append("b")

    async def contend() -> None:
        async with replica_a.lock(sender, lock_lifetime=30, wait_time_in_seconds=0.01):
            order.append("a in")
            waiting = asyncio.create_task(b_turn())
            for _ in range(500):  # until B holds a ticket in Redis and waits behind A
                lock = replica_a.get_lock(sender)
                if lock is not None and len(lock.tickets) == 2:
                    break
                await asyncio.sleep(0.01)
            assert len(replica_a.get_lock(sender).tickets) == 2 and order == ["a in"]
            order.append("a out")
        await asyncio.wait_for(waiting, 10)

    asyncio.run(contend())
    assert order == ["a in", "a out", "b"]
