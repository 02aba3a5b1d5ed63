"""The channel layers: in-memory for the embedded profile (one server process, no Redis),
Redis Pub/Sub for production; both publish from request and worker threads cheaply."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
import time
from copy import deepcopy
from typing import Any

from channels.layers import InMemoryChannelLayer as ChannelsInMemoryChannelLayer
from channels_redis.pubsub import RedisPubSubChannelLayer as ChannelsRedisPubSubChannelLayer
from channels_redis.pubsub import RedisPubSubLoopLayer
from channels_redis.utils import _wrap_close, decode_hosts
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)


def _log_failure(future: Any) -> None:
    if not future.cancelled() and future.exception() is not None:
        logger.error("live event not delivered", exc_info=future.exception())


def publish_from_thread(layer: Any, messages: list[tuple[str, dict[str, Any]]]) -> bool:
    """Queue group messages from a request or worker thread without starting an event loop.

    ``async_to_sync`` started a new loop for every publish (and, on Redis, a new connection
    for that loop): about 10 ms of CPU per post or comment in the production profile.
    Returns False when the layer has no such path; the caller then uses ``async_to_sync``.
    """
    publish = getattr(layer, "publish_from_thread", None)
    return bool(publish and publish(messages))


class _ThreadPublishMixin:
    """``publish_from_thread`` for the in-memory layer: hand the sends to the serving loop."""

    def publish_from_thread(self: Any, messages: list[tuple[str, dict[str, Any]]]) -> bool:
        loop = self._serving_loop
        if loop is None or loop.is_closed() or not loop.is_running():
            return False
        try:
            if asyncio.get_running_loop() is loop:
                return False
        except RuntimeError:
            pass
        for group, message in messages:
            if self.groups.get(group):
                # Scheduled in order (call_soon_threadsafe is FIFO), not awaited: the request
                # does not wait for the sockets.
                asyncio.run_coroutine_threadsafe(self._group_send(group, message), loop).add_done_callback(_log_failure)
        return True


class InMemoryChannelLayer(_ThreadPublishMixin, ChannelsInMemoryChannelLayer):
    """Channels' in-memory layer, made cheap and safe for a server with request threads.

    - Its expiry sweep runs at most once a second. The stock layer sweeps every channel and
      every group membership on each ``receive()``: when one event reaches N open sockets
      that is N sweeps over N channels, quadratic. With 1,000 sockets of one space
      connected, a new post reached the last of them after 5 to 9 s (``plaza bench``, goal
      G6). The expiry rules stay the same (messages live 60 s, memberships a day).
    - A group message is copied once, not once per member, and queued without a task per
      member (the stock layer deep-copies it and starts a task for each of 1,000 sockets).
      Consumers only read the messages they receive.
    - Sends made from another thread's event loop (``async_to_sync`` in a request thread of
      the a2wsgi pool, or the embedded task worker) are handed to the loop that serves the
      sockets. The layer's queues are asyncio objects of that loop; filling them from another
      thread is not thread-safe and does not wake the loop, so delivery waited for the next
      unrelated network event.
    """

    sweep_interval = 1.0
    _last_sweep = 0.0
    _serving_loop: asyncio.AbstractEventLoop | None = None
    # How long a send waits for the serving loop to take it. A loop that stops (its server
    # shutting down) between the check and the hand-over never runs the send: without a
    # limit the request that sent it would hang for good.
    handover_timeout = 5.0

    def _clean_expired(self) -> None:
        now = time.monotonic()
        if now - self._last_sweep < self.sweep_interval:
            return
        self._last_sweep = now
        super()._clean_expired()

    async def receive(self, channel: str) -> Any:
        self._serving_loop = asyncio.get_running_loop()
        return await super().receive(channel)

    def _foreign_loop(self) -> asyncio.AbstractEventLoop | None:
        loop = self._serving_loop
        if loop is None or loop.is_closed() or not loop.is_running() or loop is asyncio.get_running_loop():
            return None
        return loop

    async def _hand_over(self, coroutine: Any, loop: asyncio.AbstractEventLoop) -> None:
        """Run ``coroutine`` on the serving ``loop`` and wait for it, at most
        ``handover_timeout`` seconds; a send it did not take is dropped and logged (live
        events are best-effort, like a publish while Redis is down)."""
        future = asyncio.run_coroutine_threadsafe(coroutine, loop)
        try:
            await asyncio.wait_for(asyncio.wrap_future(future), self.handover_timeout)
        except TimeoutError:
            future.cancel()
            logger.warning("live event dropped: the serving event loop did not take it in %.0f s", self.handover_timeout)

    def reset(self) -> None:
        """Forget every channel, group and the serving loop (a test's server has stopped)."""
        self.channels.clear()
        self.groups.clear()
        self._serving_loop = None

    async def send(self, channel: str, message: dict[str, Any]) -> None:
        loop = self._foreign_loop()
        if loop is not None:
            await self._hand_over(super().send(channel, message), loop)
            return
        await super().send(channel, message)

    async def group_send(self, group: str, message: dict[str, Any]) -> None:
        if not self.groups.get(group):
            # Nobody in this process listens: skip the hand-over (a post to a space of 1,000
            # people, none of them online, cost 370 ms of CPU in hops to nowhere).
            return
        loop = self._foreign_loop()
        if loop is not None:
            await self._hand_over(self._group_send(group, message), loop)
            return
        await self._group_send(group, message)

    async def _group_send(self, group: str, message: dict[str, Any]) -> None:
        assert isinstance(message, dict), "message is not a dict"
        self.require_valid_group_name(group)
        self._clean_expired()
        shared = (time.time() + self.expiry, deepcopy(message))
        for channel in list(self.groups.get(group, {})):
            queue = self.channels.setdefault(channel, asyncio.Queue(maxsize=self.get_capacity(channel)))
            with contextlib.suppress(asyncio.QueueFull):  # a full channel misses it, as in Channels
                queue.put_nowait(shared)


class RedisPubSubChannelLayer(ChannelsRedisPubSubChannelLayer):
    """channels-redis' Pub/Sub layer, publishing from threads with one shared sync client.

    A group message on this layer is ``PUBLISH <prefix>__group__<group> <msgpack>``; the
    processes subscribed to that channel relay it to their sockets. From a request thread it
    is sent with a synchronous Redis client (a pool shared by the threads), all messages of
    one commit in one pipeline, instead of a new event loop and connection per publish.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        hosts = decode_hosts(kwargs.get("hosts"))
        self._sync_host = hosts[0] if len(hosts) == 1 and "address" in hosts[0] else None
        self._group_prefix = f"{kwargs.get('prefix', 'asgi')}__group__"
        self._sync_client: Any = None
        self._sync_lock = threading.Lock()

    def _client(self) -> Any:
        with self._sync_lock:
            if self._sync_client is None:
                import redis

                options = {k: v for k, v in self._sync_host.items() if k != "address"}  # type: ignore[union-attr]
                self._sync_client = redis.Redis.from_url(self._sync_host["address"], **options)  # type: ignore[index]
            return self._sync_client

    def publish_from_thread(self, messages: list[tuple[str, dict[str, Any]]]) -> bool:
        if self._sync_host is None:  # several shards: leave it to the async path
            return False
        try:
            asyncio.get_running_loop()
            return False  # inside an event loop: never block it
        except RuntimeError:
            pass
        pipe = self._client().pipeline(transaction=False)
        for group, message in messages:
            pipe.publish(self._group_prefix + group, self.serialize(message))
        pipe.execute()
        return True

    def _get_layer(self) -> Any:
        # channels-redis' own, building the fail-soft per-loop layer below.
        loop = asyncio.get_running_loop()
        layer = self._layers.get(loop)
        if layer is None:
            layer = self._layers[loop] = FailSoftLoopLayer(*self._args, **self._kwargs, channel_layer=self)
            _wrap_close(self, loop)
        return layer


class FailSoftLoopLayer(RedisPubSubLoopLayer):
    """channels-redis' per-event-loop Pub/Sub layer, working on while Redis is unreachable.

    A socket must open while Redis restarts: its channel and groups are registered in this
    process at once, and their subscriptions are made as soon as Redis answers again (until
    then the socket hears nothing from other servers). The stock layer raised
    ``ConnectionError`` into the handshake instead. Group messages sent meanwhile are dropped
    and logged, as publishing after commit is (``core.realtime``).
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._unsubscribed: set[str] = set()  # subscriptions owed since Redis was unreachable
        self._resubscriber: asyncio.Future[None] | None = None

    async def _subscribe_soft(self, name: str) -> None:
        try:
            await self._get_shard(name).subscribe(name)
        except (RedisError, OSError):
            logger.warning("channel layer: Redis unreachable, subscribing to %s when it is back", name)
            self._unsubscribed.add(name)
            if self._resubscriber is None or self._resubscriber.done():
                self._resubscriber = asyncio.ensure_future(self._resubscribe())

    async def _resubscribe(self) -> None:
        delay = 0.5
        while self._unsubscribed:
            await asyncio.sleep(delay)
            for name in sorted(self._unsubscribed):
                if name not in self.channels and name not in self.groups:
                    self._unsubscribed.discard(name)  # nobody here listens any more
                    continue
                try:
                    await self._get_shard(name).subscribe(name)
                except (RedisError, OSError):
                    delay = min(delay * 2, 5.0)
                    break
                self._unsubscribed.discard(name)
        logger.info("channel layer: Redis is back, subscriptions restored")

    async def _subscribe_to_channel(self, channel: str) -> None:
        self.channels[channel] = asyncio.Queue()
        await self._subscribe_soft(channel)

    async def group_add(self, group: str, channel: str) -> None:
        try:
            await super().group_add(group, channel)
        except (RedisError, OSError):
            # The membership is recorded in this process before the subscription is tried.
            await self._subscribe_soft(self._get_group_channel_name(group))

    async def group_discard(self, group: str, channel: str) -> None:
        try:
            await super().group_discard(group, channel)
        except (RedisError, OSError):
            logger.warning("channel layer: Redis unreachable while leaving %s", group)

    async def group_send(self, group: str, message: dict[str, Any]) -> None:
        try:
            await super().group_send(group, message)
        except (RedisError, OSError):
            logger.warning("channel layer: Redis unreachable, message to %s dropped", group)
