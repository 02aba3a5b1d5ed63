"""Sliding-window rate limits (the ``limits`` package's moving window) and the client address.

Counts live in the ``limits`` storage named by ``PLAZA_RATE_LIMIT_STORAGE``: ``memory://``
when embedded (one server process), ``REDIS_URL`` in production so every process shares
them. A moving window counts the attempts of the last ``window`` seconds at every moment,
so no burst fits across a window boundary as it did with fixed windows.

When the storage cannot be reached, limits degrade to "allow and log a warning": an outage
of Redis must not turn every sign-in into a 500.
"""

from __future__ import annotations

import functools
import ipaddress
import logging
import time
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from limits import RateLimitItemPerSecond
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter

from plaza.core.errors import RateLimited

log = logging.getLogger("plaza.ratelimit")

# A storage that does not answer within this many seconds counts as unreachable.
STORAGE_TIMEOUT = 0.5


# --- the client address -------------------------------------------------------------------


@functools.cache
def _trusted_networks(spec: tuple[str, ...]) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    return tuple(ipaddress.ip_network(item, strict=False) for item in spec)


def _ip(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(text.strip().strip("[]"))
    except ValueError:
        return None


def _trusted(address: ipaddress.IPv4Address | ipaddress.IPv6Address | None) -> bool:
    if address is None:
        return False
    networks = _trusted_networks(tuple(settings.PLAZA_TRUSTED_PROXIES))
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return any(address in net for net in networks)


def client_ip(request: HttpRequest) -> str:
    """The address of whoever sent ``request``: the one helper rate limits and the audit log use.

    ``REMOTE_ADDR`` unless it is one of ``PLAZA_TRUSTED_PROXIES``; then ``X-Forwarded-For`` is
    read from the right, skipping trusted proxies, and the first address no trusted proxy
    vouches for is the client (anything left of it may be forged by the client itself).
    """
    remote = request.META.get("REMOTE_ADDR", "") or ""
    if not settings.PLAZA_TRUSTED_PROXIES or not _trusted(_ip(remote)):
        return remote or "unknown"
    # Several X-Forwarded-For headers arrive joined by commas, in order.
    hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    client = remote
    for hop in reversed(hops):
        client = hop
        if not _trusted(_ip(hop)):
            break
    parsed = _ip(client)
    return str(parsed) if parsed is not None else client[:64]


def client_key(request: HttpRequest) -> str:
    """The rate-limit bucket of the request's client address (see :func:`address_key`)."""
    return address_key(client_ip(request))


def address_key(address: str) -> str:
    """The bucket of an address: IPv6 clients by their /64 (one host usually owns a whole
    /64 and could otherwise rotate through it), IPv4 clients by the address itself."""
    parsed = _ip(address)
    if isinstance(parsed, ipaddress.IPv6Address) and parsed.ipv4_mapped is None:
        return str(ipaddress.ip_network(f"{parsed}/64", strict=False))
    return str(parsed.ipv4_mapped if isinstance(parsed, ipaddress.IPv6Address) else parsed or address)


# --- the limiter --------------------------------------------------------------------------


def storage_uri() -> str:
    return settings.PLAZA_RATE_LIMIT_STORAGE or "memory://"


@functools.cache
def _limiter(uri: str) -> MovingWindowRateLimiter:
    options: dict[str, Any] = {}
    if uri.startswith(("redis://", "rediss://", "redis+unix://")):
        options = {
            "key_prefix": "plaza-rl",
            "socket_timeout": STORAGE_TIMEOUT,
            "socket_connect_timeout": STORAGE_TIMEOUT,
        }
    return MovingWindowRateLimiter(storage_from_string(uri, **options))


def limiter() -> MovingWindowRateLimiter:
    return _limiter(storage_uri())


def reset() -> None:
    """Forget every count (tests start from zero)."""
    try:
        limiter().storage.reset()
    except Exception:  # noqa: BLE001 - an unreachable storage has nothing to forget
        log.warning("rate limit storage %s unreachable on reset", storage_uri(), exc_info=True)


def _key(key: str | tuple[str, ...]) -> tuple[str, ...]:
    return tuple(key) if isinstance(key, tuple) else (key,)


def _now() -> float:
    """The clock Retry-After is computed on (the ``limits`` storages read ``time.time``)."""
    return time.time()


def _retry_after(item: RateLimitItemPerSecond, scope: str, key: tuple[str, ...]) -> int:
    try:
        reset_at, _remaining = limiter().get_window_stats(item, scope, *key)
    except Exception:  # noqa: BLE001
        return int(item.get_expiry())
    return max(1, int(reset_at - _now()) + 1)


def _unreachable(scope: str) -> None:
    log.warning("rate limit storage %s unreachable; allowing %s", storage_uri(), scope, exc_info=True)


def hit(scope: str, key: str | tuple[str, ...], *, limit: int, window: int) -> None:
    """Count one attempt; raise :class:`RateLimited` when ``limit`` attempts were already
    counted in the last ``window`` seconds (the refused attempt is not counted).

    ``key`` may be a tuple (e.g. account and address). Does nothing when
    ``PLAZA_RATE_LIMITS=off`` (load tests from one address).
    """
    if not settings.RATE_LIMITS:
        return
    item, parts = RateLimitItemPerSecond(limit, window), _key(key)
    try:
        allowed = limiter().hit(item, scope, *parts)
    except Exception:  # noqa: BLE001 - the storage is down: allow, and say so
        _unreachable(scope)
        return
    if not allowed:
        raise RateLimited(retry_after=_retry_after(item, scope, parts))


def check(scope: str, key: str | tuple[str, ...], *, limit: int, window: int) -> None:
    """Raise :class:`RateLimited` when ``limit`` attempts are counted in the last ``window``
    seconds, without counting this one (for limits on failures, counted by :func:`hit`
    only when an attempt fails)."""
    if not settings.RATE_LIMITS:
        return
    item, parts = RateLimitItemPerSecond(limit, window), _key(key)
    try:
        allowed = limiter().test(item, scope, *parts)
    except Exception:  # noqa: BLE001
        _unreachable(scope)
        return
    if not allowed:
        raise RateLimited(retry_after=_retry_after(item, scope, parts))


def count_failure(scope: str, key: str | tuple[str, ...], *, limit: int, window: int) -> None:
    """Count one failed attempt against a limit that :func:`check` enforces."""
    if not settings.RATE_LIMITS:
        return
    try:
        limiter().hit(RateLimitItemPerSecond(limit, window), scope, *_key(key))
    except Exception:  # noqa: BLE001
        _unreachable(scope)
