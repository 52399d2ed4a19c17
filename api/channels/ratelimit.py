"""Per-user sliding-window rate limit shared by the channels (in memory: one app process)."""
from __future__ import annotations

import time
from collections import deque

RATE_LIMITED_TEXT = "您发消息有点快啦，请先休息一下，一分钟后再继续问。我们会认真看每一条消息。"


class RateLimiter:
    def __init__(self, per_minute: int, window_s: float = 60.0) -> None:
        self.per_minute = per_minute
        self.window_s = window_s
        self._hits: dict[str, deque[float]] = {}

    def allow(self, key: str) -> bool:
        now = time.monotonic()
        hits = self._hits.setdefault(key, deque())
        while hits and now - hits[0] >= self.window_s:
            hits.popleft()
        if len(hits) >= self.per_minute:
            return False
        hits.append(now)
        if len(self._hits) > 10_000:  # forget idle users so memory stays bounded
            self._hits = {k: v for k, v in self._hits.items() if v and now - v[-1] < self.window_s}
        return True
