"""Open SSE streams per web-chat visitor; a delivery wakes every open tab of that visitor."""

from __future__ import annotations

import asyncio
from collections import defaultdict


class LiveHub:
    def __init__(self) -> None:
        self._streams: dict[str, set[asyncio.Queue[dict]]] = defaultdict(set)

    def subscribe(self, user_id: str) -> asyncio.Queue[dict]:
        queue: asyncio.Queue[dict] = asyncio.Queue(maxsize=100)
        self._streams[user_id].add(queue)
        return queue

    def unsubscribe(self, user_id: str, queue: asyncio.Queue[dict]) -> None:
        streams = self._streams.get(user_id)
        if streams is not None:
            streams.discard(queue)
            if not streams:
                del self._streams[user_id]

    def publish(self, user_id: str, event: dict) -> int:
        """Returns how many open streams got the event."""
        streams = list(self._streams.get(user_id, ()))
        for queue in streams:
            if queue.full():  # a stalled tab: it refetches history when it reconnects
                queue.get_nowait()
            queue.put_nowait(event)
        return len(streams)
