"""An in-process cache of API token checks, dropped at once when a token or its person changes.

Every API request starts by finding its token's person (``queries.get_token_user``). Against
PostgreSQL that one indexed lookup costs the request thread a pool checkout and a round trip,
~0.8 ms of server CPU under 16 concurrent connections: the whole cost of
``GET /notifications/unread-count`` beyond a bare view (issue 17, docs/benchmarks.md). Here
each process keeps the rows it found, by the token's hash, for at most ``TTL`` seconds.

What changes a cached row drops it, in every process, before the change is visible:

- the write itself calls :func:`forget` inside its transaction (``accounts.actions`` when a
  token is revoked, a profile changed, an account deactivated or a password changed;
  ``notifications.actions`` when an unread count moves). That drops this process's copy at
  once and, after commit, tells every other process.
- With ``REDIS_URL`` the message goes out on a Redis Pub/Sub channel (``PUBLISH`` after
  commit; the channel's name carries the Redis database, like the channel layer's prefix).
  Each process is subscribed, and *reads its subscription before every lookup* (a
  non-blocking read of an open socket, no round trip): Redis writes the message to every
  subscriber before it answers the publisher, so by the time the revoking request has
  answered, every other process finds the message waiting on its next request.
- A process whose subscription is not confirmed, or breaks, does not use the cache (every
  lookup goes to the database) and empties it; it subscribes again at most once a second.
- Without ``REDIS_URL`` (the embedded profile) there is one server process: :func:`forget`
  drops the rows directly.
- A lookup that raced a change (read before the commit, stored after the message was read)
  is not stored: each message moves a generation counter, checked when storing.

Writes that bypass the actions (the Django admin, a shell) are seen within ``TTL``.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterable
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction

log = logging.getLogger(__name__)

TTL = 60.0  # seconds a cached check is trusted without hearing of a change
MAX_ENTRIES = 50_000  # a bound on memory: the cache is emptied when it is full
RETRY = 1.0  # seconds between attempts to subscribe again

Entry = tuple[float, int, list[Any], list[Any]]  # (expires at, user id, token values, user values)


def _channel() -> str:
    db = urlsplit(settings.REDIS_URL).path.strip("/") or "0"
    return f"plaza:{db}:tokens.forget"


class TokenCache:
    """Token checks of this process, by the token's hash (see the module's docstring)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._entries: dict[str, Entry] = {}
        self._generation = 0
        self._pubsub: Any = None
        self._next_attempt = 0.0
        self._publisher: Any = None

    # --- reading -----------------------------------------------------------------------

    def get(self, key_hash: str) -> tuple[int, list[Any], list[Any]] | None:
        """The cached (generation, token values, user values) of ``key_hash``; a miss is
        ``(generation, [], [])``, and None means: do not cache now (not subscribed)."""
        with self._lock:
            if not self._listening():
                return None
            entry = self._entries.get(key_hash)
            if entry is not None and entry[0] < time.monotonic():
                del self._entries[key_hash]
                entry = None
            if entry is None:
                return self._generation, [], []
            return self._generation, entry[2], entry[3]

    def put(self, key_hash: str, generation: int, user_id: int, token: list[Any], user: list[Any]) -> None:
        """Keep a check read from the database, unless a change was heard since ``generation``."""
        with self._lock:
            if generation != self._generation or self._pubsub is None and settings.REDIS_URL:
                return
            if len(self._entries) >= MAX_ENTRIES:
                self._entries.clear()
            self._entries[key_hash] = (time.monotonic() + TTL, user_id, token, user)

    # --- forgetting --------------------------------------------------------------------

    def drop(self, *, users: Iterable[int] = (), tokens: Iterable[str] = ()) -> None:
        """Drop this process's rows of these people and token hashes."""
        users, tokens = set(users), set(tokens)
        with self._lock:
            self._drop_locked(users, tokens)

    def _drop_locked(self, users: set[int], tokens: set[str]) -> None:
        self._generation += 1
        for key in tokens:
            self._entries.pop(key, None)
        if users:
            for key in [k for k, e in self._entries.items() if e[1] in users]:
                del self._entries[key]

    def clear(self) -> None:
        with self._lock:
            self._generation += 1
            self._entries.clear()

    def publish(self, users: set[int], tokens: set[str]) -> None:
        """Tell every process (this one included) to drop these rows."""
        if not settings.REDIS_URL:
            self.drop(users=users, tokens=tokens)
            return
        message = ",".join([*(f"u{u}" for u in sorted(users)), *(f"t{t}" for t in sorted(tokens))])
        try:
            if self._publisher is None:
                import redis

                self._publisher = redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=2, socket_timeout=2)
            self._publisher.publish(_channel(), message)
        except Exception:  # noqa: BLE001 - a change is committed: the TTL bounds what others keep
            log.exception("could not publish a token cache invalidation; other processes keep it for up to %s s", TTL)

    # --- the subscription (Redis) ------------------------------------------------------

    def _listening(self) -> bool:
        """Read every message waiting on the subscription; False when there is none (lock held)."""
        if not settings.REDIS_URL:
            return True
        if self._pubsub is None and not self._subscribe():
            return False
        try:
            while True:
                message = self._pubsub.get_message(ignore_subscribe_messages=True, timeout=0.0)
                if message is None:
                    return True
                self._apply(message.get("data"))
        except Exception:  # noqa: BLE001 - a broken subscription: no cache until it is back
            log.warning("token cache subscription lost; checking tokens in the database until it is back")
            self._unsubscribe()
            return False

    def _apply(self, data: Any) -> None:
        text = data.decode() if isinstance(data, bytes) else str(data or "")
        users = {int(part[1:]) for part in text.split(",") if part.startswith("u") and part[1:].isdigit()}
        tokens = {part[1:] for part in text.split(",") if part.startswith("t")}
        self._drop_locked(users, tokens)

    def _subscribe(self) -> bool:
        now = time.monotonic()
        if now < self._next_attempt:
            return False
        self._next_attempt = now + RETRY
        try:
            import redis

            client = redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=2, socket_timeout=2)
            pubsub = client.pubsub()
            pubsub.subscribe(_channel())
            confirmed = pubsub.get_message(timeout=2.0)  # the subscription is in place once Redis confirms it
            if not confirmed or confirmed.get("type") != "subscribe":
                pubsub.close()
                return False
        except Exception:  # noqa: BLE001
            log.warning("token cache: cannot subscribe to Redis; checking tokens in the database")
            return False
        self._pubsub = pubsub
        # Nothing cached before the subscription is trusted: changes made meanwhile were not heard.
        self._generation += 1
        self._entries.clear()
        return True

    def _unsubscribe(self) -> None:
        try:
            self._pubsub.close()
        except Exception:  # noqa: BLE001
            pass
        self._pubsub = None
        self._generation += 1
        self._entries.clear()


cache = TokenCache()


def forget(*, users: Iterable[int] = (), tokens: Iterable[str] = ()) -> None:
    """Call inside the transaction that changes a token or a person (revocation, profile,
    deactivation, unread count): drops this process's rows now, and every process's after
    commit."""
    users, tokens = set(users), set(tokens)
    cache.drop(users=users, tokens=tokens)
    transaction.on_commit(lambda: cache.publish(users, tokens))
