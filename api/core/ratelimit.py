"""Every rate limit of the product, on the `limits` library: moving windows kept in memory by default, in
Redis when LABORBOT_REDIS_URL is set (then every app worker shares them).

    limits = RateLimits(settings)
    limits.allow("web", visitor_id, per_minute=10)       # counts the message; False: over the limit
    limits.blocked("login", f"{ip}:{username}", failures=5, window_s=300)
    limits.fail("login", f"{ip}:{username}", failures=5, window_s=300)   # a failed attempt
    limits.clear("login", f"{ip}:{username}")                            # after a success
"""

from __future__ import annotations

from limits import RateLimitItemPerMinute, RateLimitItemPerSecond
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter

from api.core.settings import Settings


class RateLimits:
    def __init__(self, settings: Settings) -> None:
        self.storage = storage_from_string(settings.redis_url or "memory://")
        self.limiter = MovingWindowRateLimiter(self.storage)

    def allow(self, scope: str, key: str, per_minute: int) -> bool:
        """Count one request; False when ``key`` already made ``per_minute`` in the last minute."""
        return self.limiter.hit(RateLimitItemPerMinute(per_minute), scope, key)

    def blocked(self, scope: str, key: str, failures: int, window_s: int) -> bool:
        return not self.limiter.test(RateLimitItemPerSecond(failures, window_s), scope, key)

    def fail(self, scope: str, key: str, failures: int, window_s: int) -> None:
        self.limiter.hit(RateLimitItemPerSecond(failures, window_s), scope, key)

    def clear(self, scope: str, key: str, failures: int, window_s: int) -> None:
        self.limiter.clear(RateLimitItemPerSecond(failures, window_s), scope, key)
