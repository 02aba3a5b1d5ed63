"""Live events to people's open WebSockets, sent only after the transaction commits.

Every socket of a person listens on the group ``user.<id>``. An event may name the space
(and team) it belongs to: a socket drops it when its person can no longer see that space
or team, so an event already in flight when someone is removed is not shown to them.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction


def user_group(user_id: int) -> str:
    return f"user.{user_id}"


# Group sends in flight at once. Each person has a group, so a post to a space of 1,000
# people is 1,000 sends; one after another, each waited for its own Redis round trips
# (four per group with channels-redis) before the next began (plaza bench, goal G6).
SEND_CONCURRENCY = 50


async def _send_all(messages: list[tuple[str, dict[str, Any]]]) -> None:
    layer = get_channel_layer()
    if layer is None:
        return
    # One call never names a group twice (publish_on_commit sends one message per person), so
    # overlapping the sends cannot reorder two messages to the same socket.
    for start in range(0, len(messages), SEND_CONCURRENCY):
        batch = messages[start : start + SEND_CONCURRENCY]
        await asyncio.gather(*(layer.group_send(group, message) for group, message in batch))


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
