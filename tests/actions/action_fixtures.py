"""Fixtures for custom-action tests: rasa_sdk trackers whose latest message carries the app's metadata,
and a dispatcher (like RasaHQ/financial-demo's tracker fixtures)."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.app_events import EVENT_KEY


@pytest.fixture
def dispatcher() -> CollectingDispatcher:
    return CollectingDispatcher()


def make_tracker(
    text: str = "",
    intent: str | None = None,
    confidence: float = 0.95,
    slots: dict[str, Any] | None = None,
    entities: list[dict] | None = None,
    ranking: list[dict] | None = None,
    active_loop: str | None = None,
    sender_id: str = "web:worker-1",
    metadata: dict[str, Any] | None = None,
) -> Tracker:
    """A tracker whose latest message is `text`, classified as `intent`, with the app's metadata."""
    message = {
        "text": text,
        "intent": {"name": intent, "confidence": confidence},
        "entities": entities or [],
        "intent_ranking": ranking or [{"name": intent, "confidence": confidence}],
        "metadata": metadata or {},
    }
    return Tracker(
        sender_id=sender_id,
        slots=dict(slots or {}),
        latest_message=message,
        events=[],
        paused=False,
        followup_action=None,
        active_loop={"name": active_loop} if active_loop else {},
        latest_action_name="action_listen",
    )


def run(action, dispatcher: CollectingDispatcher, tracker: Tracker) -> list[dict]:
    return asyncio.run(action.run(dispatcher, tracker, {}))


def slots_set(events: list[dict]) -> dict[str, Any]:
    return {e["name"]: e["value"] for e in events if e.get("event") == "slot"}


def texts_of(dispatcher: CollectingDispatcher) -> list[str]:
    return [m["text"] for m in dispatcher.messages if m.get("text")]


def app_events(dispatcher: CollectingDispatcher) -> list[dict]:
    """The events the actions reported to the app in this turn."""
    return [m["custom"][EVENT_KEY] for m in dispatcher.messages if EVENT_KEY in (m.get("custom") or {})]
