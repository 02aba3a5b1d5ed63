"""Fixed-window rate limits kept in the cache (Redis in production, memory when embedded)."""

from __future__ import annotations

import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

from plaza.core.errors import RateLimited


def _now() -> float:
    """The clock the windows are counted on (tests pin it so a run never straddles a window)."""
    return time.time()


def client_ip(request: HttpRequest) -> str:
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def hit(scope: str, key: str, *, limit: int, window: int) -> None:
    """Count one attempt; raise :class:`RateLimited` once ``limit`` is passed in ``window`` s.

    Does nothing when ``PLAZA_RATE_LIMITS=off`` (load tests from one address).
    """
    if not settings.RATE_LIMITS:
        return
    now = int(_now())
    bucket = now // window
    cache_key = f"rl:{scope}:{key}:{bucket}"
    if cache.add(cache_key, 1, timeout=window + 1):
        count = 1
    else:
        try:
            count = cache.incr(cache_key)
        except ValueError:  # expired between add and incr
            cache.add(cache_key, 1, timeout=window + 1)
            count = 1
    if count > limit:
        raise RateLimited(retry_after=(bucket + 1) * window - now or 1)
