"""Rasa's SQL tracker store, with each conversation's tracker kept in memory between its turns.

Rasa's SQLTrackerStore rebuilds a conversation from the database on every turn: it selects the session's
events, decodes each one and replays them all into a new tracker, then counts the stored events again to
find which ones to insert. Under load that was about a third of the Rasa process's CPU (py-spy, 50 users),
and it grows with the conversation. Here the tracker a turn saved is reused by the next turn of that
conversation, as long as nothing else has written to it:

- the conversation's newest event id in the database is still the one this process stored or read (another
  replica sharing PostgreSQL, or an external write through the HTTP API, changes it), and
- the tracker holds exactly the events that were stored (a turn that failed before saving leaves events
  that are not in the database: such a tracker is dropped and rebuilt).

Every event still goes to the database in order, so a restart or another replica rebuilds the same tracker.
A save that starts a new conversation session drops the kept tracker: the next turn reads back only the new
session, as Rasa would.

    tracker_store:
      type: rasa_plugins.tracker_store.CachedSQLTrackerStore
      dialect: sqlite
      db: ${RASA_TRACKER_DB}
"""

from __future__ import annotations

import itertools
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.events import SessionStarted
from rasa.shared.core.trackers import DialogueStateTracker

DEFAULT_CONVERSATIONS = 5000  # kept trackers; the least recently used one goes first


@dataclass
class _Kept:
    tracker: DialogueStateTracker
    stored: int  # how many of tracker.events are in the database
    last_id: int | None  # the conversation's newest event id in the database when it was kept


class CachedSQLTrackerStore(SQLTrackerStore):
    def __init__(self, *args: Any, conversations: int = DEFAULT_CONVERSATIONS, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._kept: OrderedDict[str, _Kept] = OrderedDict()
        self._stored: dict[str, int] = {}  # per conversation being saved: how many of its events are stored
        self._capacity = int(conversations)

    async def retrieve(self, sender_id: str) -> DialogueStateTracker | None:
        kept = self._kept.pop(sender_id, None)
        if kept is not None and self._unchanged(kept):
            self._keep(sender_id, kept)
            return kept.tracker
        tracker = await super().retrieve(sender_id)
        if tracker is not None:
            self._keep(sender_id, _Kept(tracker, len(tracker.events), self._last_event_id(sender_id)))
        return tracker

    async def save(self, tracker: DialogueStateTracker) -> None:
        sender_id = tracker.sender_id
        kept = self._kept.pop(sender_id, None)
        if kept is None or kept.tracker is not tracker or kept.last_id != self._last_event_id(sender_id):
            await super().save(tracker)  # Rasa's own way (count what is stored, insert the rest); not kept
            return
        self._stored[sender_id] = kept.stored  # read by _additional_events, inside Rasa's save
        await super().save(tracker)
        new_events = itertools.islice(tracker.events, kept.stored, None)
        if not any(isinstance(event, SessionStarted) for event in new_events):
            self._keep(sender_id, _Kept(tracker, len(tracker.events), self._last_event_id(sender_id)))

    def _additional_events(self, session: Any, tracker: DialogueStateTracker) -> Iterator:
        """The events Rasa's save inserts: those after the ones a kept tracker is known to have stored, else
        Rasa's own count of the stored events."""
        stored = self._stored.pop(tracker.sender_id, None)
        if stored is None:
            return super()._additional_events(session, tracker)
        return itertools.islice(tracker.events, stored, len(tracker.events))

    # --- helpers --------------------------------------------------------------------------------------------

    def _unchanged(self, kept: _Kept) -> bool:
        return len(kept.tracker.events) == kept.stored and kept.last_id == self._last_event_id(kept.tracker.sender_id)

    def _keep(self, sender_id: str, kept: _Kept) -> None:
        self._kept[sender_id] = kept
        while len(self._kept) > self._capacity:
            self._kept.popitem(last=False)

    def _last_event_id(self, sender_id: str) -> int | None:
        with self.session_scope() as session:
            return session.query(sa.func.max(self.SQLEvent.id)).filter(self.SQLEvent.sender_id == sender_id).scalar()
