"""Telephone (PSTN) dialling for Dudu calls: a provider interface, none built in.

A deployment that wants to ring telephones names a class implementing :class:`PstnProvider`
in the ``PLAZA_PSTN_PROVIDER`` setting (a dotted path, e.g. ``acme_voice.plaza.Provider``).
Plaza itself never dials: without a provider, :func:`get_provider` returns None and the
pages offer no telephone option. See docs/calls.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from django.conf import settings
from django.utils.module_loading import import_string


@dataclass(frozen=True)
class DialResult:
    """What a provider answers when asked to dial: its own id of the telephone leg."""

    leg_id: str
    status: str  # "ringing", "failed"
    detail: str = ""


@runtime_checkable
class PstnProvider(Protocol):
    """Bridges a telephone into a call.

    Implementations are constructed once with no arguments (read your own credentials from
    the environment) and must be safe to call from several threads.
    """

    def dial(self, *, call_id: int, number: str, caller_name: str, ice_servers: list[dict[str, object]]) -> DialResult:
        """Ring ``number`` (E.164, ``+8610…``) and join the answered leg to call ``call_id``.

        The provider joins as one more WebRTC peer of the call's audio mesh, using
        ``ice_servers``. It must return quickly (ringing happens in the background).
        """
        ...

    def hang_up(self, *, call_id: int, leg_id: str) -> None:
        """End one telephone leg (when the call ends or a participant hangs it up)."""
        ...


def get_provider() -> PstnProvider | None:
    """The configured provider, or None when ``PLAZA_PSTN_PROVIDER`` is empty."""
    path = getattr(settings, "PLAZA_PSTN_PROVIDER", "")
    if not path:
        return None
    provider = import_string(path)()
    if not isinstance(provider, PstnProvider):
        raise TypeError(f"{path} does not implement plaza.calls.pstn.PstnProvider")
    return provider
