"""Fixtures for custom-action tests: rasa_sdk trackers, a dispatcher, and a recording app server."""
from __future__ import annotations

import asyncio
import socket
from typing import Any, Dict, List, Optional

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from recording_app import RecordingApp

TOKEN = "test-internal-token"


@pytest.fixture
def app(monkeypatch) -> RecordingApp:
    with RecordingApp() as server:
        monkeypatch.setenv("LABORBOT_APP_URL", server.url)
        monkeypatch.setenv("LABORBOT_INTERNAL_TOKEN", TOKEN)
        yield server


@pytest.fixture
def app_down(monkeypatch) -> None:
    """The app's address with nothing listening on it."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    monkeypatch.setenv("LABORBOT_APP_URL", f"http://127.0.0.1:{port}")


@pytest.fixture
def dispatcher() -> CollectingDispatcher:
    return CollectingDispatcher()


def make_tracker(text: str = "", intent: Optional[str] = None, confidence: float = 0.95,
                 slots: Optional[Dict[str, Any]] = None, entities: Optional[List[dict]] = None,
                 ranking: Optional[List[dict]] = None, active_loop: Optional[str] = None,
                 sender_id: str = "web:worker-1") -> Tracker:
    """A tracker whose latest message is `text`, classified as `intent` (like RasaHQ/financial-demo)."""
    message = {"text": text, "intent": {"name": intent, "confidence": confidence},
               "entities": entities or [], "intent_ranking": ranking or [{"name": intent, "confidence": confidence}]}
    return Tracker(sender_id=sender_id, slots=dict(slots or {}), latest_message=message, events=[],
                   paused=False, followup_action=None,
                   active_loop={"name": active_loop} if active_loop else {}, latest_action_name="action_listen")


def run(action, dispatcher: CollectingDispatcher, tracker: Tracker) -> List[dict]:
    return asyncio.run(action.run(dispatcher, tracker, {}))


def slots_set(events: List[dict]) -> Dict[str, Any]:
    return {e["name"]: e["value"] for e in events if e.get("event") == "slot"}


def texts_of(dispatcher: CollectingDispatcher) -> List[str]:
    return [m["text"] for m in dispatcher.messages if m.get("text")]
