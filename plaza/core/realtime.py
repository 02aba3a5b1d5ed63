"""Live events to people's open WebSockets, sent only after the transaction commits.

Every socket of a person listens on the group ``user.<id>``. An event may name the space
(and team) it belongs to: a socket drops it when its person can no longer see that space
or team, so an event already in flight when someone is removed is not shown to them.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction


def user_group(user_id: int) -> str:
    return f"user.{user_id}"


async def _send_all(messages: list[tuple[str, dict[str, Any]]]) -> None:
    layer = get_channel_layer()
    if layer is None:
        return
    for group, message in messages:
        await layer.group_send(group, message)


def _send_after_commit(messages: list[tuple[str, dict[str, Any]]]) -> None:
    if messages:
        transaction.on_commit(lambda: async_to_sync(_send_all)(messages))


def publish_on_commit(
    user_ids: Iterable[int],
    event: dict[str, Any],
    *,
    space_id: int | None = None,
    team_id: int | None = None,
    group_id: int | None = None,
) -> None:
    """Push ``event`` (a JSON object with a ``type``) to each person's sockets after commit.

    ``group_id`` names a discussion group: sockets of people no longer in it drop the event.
    """
    message = {"type": "deliver", "event": event, "space_id": space_id, "team_id": team_id, "group_id": group_id}
    _send_after_commit([(user_group(uid), message) for uid in set(user_ids)])


def access_changed_on_commit(user_ids: Iterable[int]) -> None:
    """Tell these people's sockets to reload what spaces and teams they may see."""
    _send_after_commit([(user_group(uid), {"type": "access_changed"}) for uid in set(user_ids)])


def revoke_sockets_on_commit(user_id: int, *, token_id: int | None = None) -> None:
    """Close the person's sockets: all of them, or only those opened with ``token_id``."""
    _send_after_commit([(user_group(user_id), {"type": "session_revoked", "token_id": token_id})])
