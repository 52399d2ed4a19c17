"""The messages between the web app and the actions: what the app decided (message metadata) and what
the actions report back (events in the bot's output, which the app applies: open a case, store a score).

The action server never calls the app; the app reads the events from the turn's output.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

EVENT_KEY = "laborbot_event"


def metadata(tracker: Tracker) -> dict[str, Any]:
    return (tracker.latest_message or {}).get("metadata") or {}


def decision(tracker: Tracker) -> dict[str, Any]:
    """What the app decided to say to the latest message ({} for a turn it did not decide)."""
    return metadata(tracker).get("decision") or {}


def known_facts(tracker: Tracker) -> dict[str, Any]:
    """Facts the worker stated in this conversation, as the app read them (wage, service, city, dates)."""
    return metadata(tracker).get("facts") or {}


def emit(dispatcher: CollectingDispatcher, kind: str, **fields: Any) -> None:
    """Report an event to the app; it is not shown to the worker."""
    dispatcher.utter_message(json_message={EVENT_KEY: {"type": kind, **fields}})
