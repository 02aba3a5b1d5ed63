"""The in-memory channel layer of the embedded profile (one server process, no Redis)."""

from __future__ import annotations

import time

from channels.layers import InMemoryChannelLayer as ChannelsInMemoryChannelLayer


class InMemoryChannelLayer(ChannelsInMemoryChannelLayer):
    """Channels' in-memory layer, with its expiry sweep run at most once a second.

    The stock layer sweeps every channel and every group membership on each ``receive()``.
    When one event reaches N open sockets that is N sweeps over N channels: quadratic. With
    1,000 sockets of one space connected, a new post reached the last of them after about
    5 s (``plaza bench``, goal G6); sweeping once a second keeps the same expiry rules
    (messages live 60 s, memberships a day) at a constant cost per message.
    """

    sweep_interval = 1.0
    _last_sweep = 0.0

    def _clean_expired(self) -> None:
        now = time.monotonic()
        if now - self._last_sweep < self.sweep_interval:
            return
        self._last_sweep = now
        super()._clean_expired()
