"""Announcements every app worker hears: a new message for a web-chat visitor (whose live stream another
worker may hold), a new index version. In this process by default; through Redis pub/sub when
LABORBOT_REDIS_URL is set, so each is heard by every worker, the announcing one included.

    signals = Signals(settings.redis_url)
    signals.on("index", reload_index)            # handler(message: dict), sync or async
    await signals.start()
    await signals.publish("index", {"version": "v0007"})
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import json
import logging
from collections.abc import Awaitable, Callable

import redis.asyncio as redis

logger = logging.getLogger(__name__)
Handler = Callable[[dict], Awaitable[None] | None]
PREFIX = "laborbot:"
RECONNECT_S = 1.0


class Signals:
    def __init__(self, redis_url: str = "") -> None:
        self.redis_url = redis_url
        self._handlers: dict[str, list[Handler]] = {}
        self._redis: redis.Redis | None = None
        self._listener: asyncio.Task | None = None
        self._subscribed = asyncio.Event()

    @property
    def shared(self) -> bool:
        """True when every worker hears the signals (Redis), not only this process."""
        return bool(self.redis_url)

    def on(self, topic: str, handler: Handler) -> None:
        self._handlers.setdefault(topic, []).append(handler)

    async def start(self) -> None:
        if self.shared:
            self._redis = redis.from_url(self.redis_url)
            self._listener = asyncio.create_task(self._listen())
            await asyncio.wait_for(self._subscribed.wait(), timeout=10)

    async def stop(self) -> None:
        if self._listener is not None:
            self._listener.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._listener
        if self._redis is not None:
            await self._redis.aclose()

    async def publish(self, topic: str, message: dict) -> None:
        if self._redis is None:
            await self._dispatch(topic, message)
            return
        await self._redis.publish(PREFIX + topic, json.dumps(message, ensure_ascii=False))

    async def _listen(self) -> None:
        while True:  # a dropped connection is re-established; what was published meanwhile is missed
            try:
                async with self._redis.pubsub() as pubsub:
                    await pubsub.subscribe(*(PREFIX + topic for topic in self._handlers))
                    self._subscribed.set()
                    async for item in pubsub.listen():
                        if item["type"] == "message":
                            topic = item["channel"].decode().removeprefix(PREFIX)
                            await self._dispatch(topic, json.loads(item["data"]))
            except asyncio.CancelledError:
                raise
            except Exception:
                logger.exception("signals: Redis subscription lost; subscribing again")
                await asyncio.sleep(RECONNECT_S)

    async def _dispatch(self, topic: str, message: dict) -> None:
        for handler in self._handlers.get(topic, ()):
            try:
                result = handler(message)
                if inspect.isawaitable(result):
                    await result
            except Exception:  # one failing handler must not silence the others
                logger.exception("signals: handler for %s failed", topic)
