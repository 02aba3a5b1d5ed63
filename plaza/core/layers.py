"""The in-memory channel layer of the embedded profile (one server process, no Redis)."""

from __future__ import annotations

import asyncio
import contextlib
import time
from copy import deepcopy
from typing import Any

from channels.layers import InMemoryChannelLayer as ChannelsInMemoryChannelLayer


class InMemoryChannelLayer(ChannelsInMemoryChannelLayer):
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

    async def send(self, channel: str, message: dict[str, Any]) -> None:
        loop = self._foreign_loop()
        if loop is not None:
            await asyncio.wrap_future(asyncio.run_coroutine_threadsafe(super().send(channel, message), loop))
            return
        await super().send(channel, message)

    async def group_send(self, group: str, message: dict[str, Any]) -> None:
        if not self.groups.get(group):
            # Nobody in this process listens: skip the hand-over (a post to a space of 1,000
            # people, none of them online, cost 370 ms of CPU in hops to nowhere).
            return
        loop = self._foreign_loop()
        if loop is not None:
            await asyncio.wrap_future(asyncio.run_coroutine_threadsafe(self._group_send(group, message), loop))
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
