"""The tracker store keeps a conversation's tracker between turns and stores exactly what Rasa's SQL store does."""

import json

import pytest
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, SessionStarted, SlotSet, UserUttered

from rasa_plugins.tracker_store import CachedSQLTrackerStore

pytestmark = pytest.mark.anyio

DOMAIN = Domain.from_yaml(
    """
version: "3.1"
intents: [greet, wage_arrears]
slots:
  last_intent:
    type: text
    influence_conversation: false
    mappings: [{type: custom}]
"""
)


@pytest.fixture
def anyio_backend():
    return "asyncio"  # Rasa's stores run on asyncio


@pytest.fixture
def db(tmp_path):
    return str(tmp_path / "trackers.db")


def store(cls, db, **kwargs):
    return cls(domain=DOMAIN, dialect="sqlite", db=db, **kwargs)


async def turn(tracker_store, sender, text, intent="wage_arrears"):
    """One dialogue turn as Rasa runs it: read the tracker, add the turn's events, save."""
    tracker = await tracker_store.get_or_create_tracker(sender)
    tracker.update(UserUttered(text, {"name": intent}))
    tracker.update(SlotSet("last_intent", intent))
    tracker.update(ActionExecuted("action_respond"))
    tracker.update(ActionExecuted("action_listen"))
    await tracker_store.save(tracker)
    return tracker


def stored_rows(db):
    plain = store(SQLTrackerStore, db)
    with plain.session_scope() as session:
        rows = session.query(plain.SQLEvent).order_by(plain.SQLEvent.id).all()
        return [(r.sender_id, r.type_name, json.loads(r.data).get("text")) for r in rows]


async def test_the_database_holds_what_rasas_own_store_would_write(tmp_path):
    ours, theirs = str(tmp_path / "ours.db"), str(tmp_path / "theirs.db")
    for cls, db in ((CachedSQLTrackerStore, ours), (SQLTrackerStore, theirs)):
        s = store(cls, db)
        for i in range(4):
            await turn(s, "web:a", f"第{i}条")
            await turn(s, "web:b", f"另一条{i}")
    assert stored_rows(ours) == stored_rows(theirs)
    assert len(stored_rows(ours)) == 2 * (1 + 4 * 4)


async def test_a_later_turn_reuses_the_tracker_and_a_fresh_read_agrees(db):
    s = store(CachedSQLTrackerStore, db)
    await turn(s, "web:a", "一")
    second = await turn(s, "web:a", "二")
    assert await s.retrieve("web:a") is second  # kept, not rebuilt
    rebuilt = await store(SQLTrackerStore, db).retrieve("web:a")
    assert [e.as_dict() for e in rebuilt.events] == [e.as_dict() for e in second.events]
    assert rebuilt.get_slot("last_intent") == "wage_arrears"


async def test_a_write_by_another_replica_is_read_back(db):
    ours, other = store(CachedSQLTrackerStore, db), store(SQLTrackerStore, db)
    await turn(ours, "web:a", "一")
    kept = await turn(ours, "web:a", "二")
    await turn(other, "web:a", "另一个副本处理的一条", intent="greet")
    tracker = await ours.retrieve("web:a")
    assert tracker is not kept
    assert tracker.latest_message.text == "另一个副本处理的一条" and tracker.get_slot("last_intent") == "greet"
    await turn(ours, "web:a", "三")
    assert [t for _, _, t in stored_rows(db) if t] == ["一", "二", "另一个副本处理的一条", "三"]


async def test_a_turn_that_failed_before_saving_leaves_nothing_behind(db):
    s = store(CachedSQLTrackerStore, db)
    await turn(s, "web:a", "一")
    await turn(s, "web:a", "二")
    broken = await s.retrieve("web:a")
    broken.update(UserUttered("没存上的一条", {"name": "greet"}))  # the turn stopped here
    tracker = await s.retrieve("web:a")
    assert tracker is not broken and tracker.latest_message.text == "二"


async def test_a_new_session_is_read_back_alone(db):
    s = store(CachedSQLTrackerStore, db)
    await turn(s, "web:a", "一")
    tracker = await turn(s, "web:a", "二")
    tracker.update(ActionExecuted("action_session_start"))
    tracker.update(SessionStarted())
    tracker.update(ActionExecuted("action_listen"))
    await s.save(tracker)
    fresh = await s.retrieve("web:a")
    assert fresh is not tracker
    assert [e.as_dict() for e in fresh.events] == [
        e.as_dict() for e in (await store(SQLTrackerStore, db).retrieve("web:a")).events
    ]
    assert not any(isinstance(e, UserUttered) for e in fresh.events)


async def test_only_the_most_recent_conversations_are_kept(db):
    s = store(CachedSQLTrackerStore, db, conversations=2)
    for sender in ("a", "b", "c"):
        await turn(s, sender, "一")
        await turn(s, sender, "二")
    assert list(s._kept) == ["b", "c"]
    assert (await s.retrieve("a")).latest_message.text == "二"
