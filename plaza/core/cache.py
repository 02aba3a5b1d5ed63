"""The Redis cache of the production profile, degrading to "nothing cached" while Redis is down.

Nothing Plaza keeps in the cache is the only copy of anything: it is a speed-up, and the
counters of sign-in throttling. While Redis restarts, a read misses, a write is dropped, and a
counter starts again from zero (the request is allowed), each failure logged. Requests keep
working (sign-in included) and the cache is used again as soon as Redis answers, without a
restart. Django's own backend raised ``ConnectionError`` into every request instead.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import Any

from django.core.cache.backends.redis import RedisCache, RedisCacheClient

logger = logging.getLogger("plaza.cache")

# Cache operations that failed because Redis was unreachable, since the process started.
failed_operations = 0


def _fail_soft(fallback: Callable[..., Any]) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    def decorate(method: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(method)
        def wrapper(self: Any, *args: Any, **kwargs: Any) -> Any:
            global failed_operations
            try:
                return method(self, *args, **kwargs)
            except self._lib.exceptions.ConnectionError:  # TimeoutError is a subclass
                failed_operations += 1
                logger.warning("cache %s skipped: Redis unavailable (%d since start)", method.__name__, failed_operations)
                return fallback(*args, **kwargs)

        return wrapper

    return decorate


class FailSoftRedisCacheClient(RedisCacheClient):
    add = _fail_soft(lambda *a, **k: True)(RedisCacheClient.add)
    get = _fail_soft(lambda key, default: default)(RedisCacheClient.get)
    set = _fail_soft(lambda *a, **k: None)(RedisCacheClient.set)
    touch = _fail_soft(lambda *a, **k: False)(RedisCacheClient.touch)
    delete = _fail_soft(lambda *a, **k: False)(RedisCacheClient.delete)
    get_many = _fail_soft(lambda *a, **k: {})(RedisCacheClient.get_many)
    has_key = _fail_soft(lambda *a, **k: False)(RedisCacheClient.has_key)
    incr = _fail_soft(lambda key, delta: delta)(RedisCacheClient.incr)
    set_many = _fail_soft(lambda *a, **k: [])(RedisCacheClient.set_many)
    delete_many = _fail_soft(lambda *a, **k: None)(RedisCacheClient.delete_many)
    clear = _fail_soft(lambda *a, **k: False)(RedisCacheClient.clear)


class FailSoftRedisCache(RedisCache):
    """Django's Redis cache whose operations log and fall back when Redis is unreachable."""

    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = FailSoftRedisCacheClient
