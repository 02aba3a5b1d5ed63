"""Live events to people's open WebSockets, sent only after the transaction commits.

Every socket of a person listens on the group ``user.<id>``, on ``space.<id>`` for each
space its person is in and on ``chat.<id>`` for each discussion group. An event for a few
people goes to their person groups; an event for everyone in a big space or discussion
group (``PLAZA_FANOUT_GROUP_MIN`` people or more) is ONE message to the space's or group's
channel-layer group, whatever its size (a post to a space of 1,000 people was 1,000 sends:
docs/benchmarks.md).

Each socket filters what reaches it by its person's scopes at delivery time (see
``PlazaConsumer.deliver``): the space, the team, space-wide posts only for full members and
admins, the discussion group, and people excluded by the sender. So an event already in
flight when someone is removed is not shown to them, and a socket subscribed to a space
group never shows a guest what only members may see.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.conf import settings
from django.db import transaction

from plaza.core.layers import publish_from_thread
from plaza.core.metrics import FANNED_OUT, group_kind

logger = logging.getLogger("plaza.realtime")


def user_group(user_id: int) -> str:
    return f"user.{user_id}"


def space_group(space_id: int) -> str:
    return f"space.{space_id}"


def chat_group(group_id: int) -> str:
    return f"chat.{group_id}"


def _encoded(message: dict[str, Any]) -> dict[str, Any]:
    """The event as the JSON text sockets send, encoded once for all of them."""
    if "event" in message:
        return {**message, "text": json.dumps(message["event"])}
    return message


async def _send_all(messages: list[tuple[str, dict[str, Any]]]) -> None:
    layer = get_channel_layer()
    if layer is None:
        return
    for group, message in messages:
        await layer.group_send(group, message)


# Live events that could not be handed to the channel layer (Redis down), since the process
# started: the write they belong to is committed and stays so; only the live push is lost.
failed_publishes = 0


def _send_now(messages: list[tuple[str, dict[str, Any]]]) -> None:
    """Hand the events to the channel layer; best effort, never raises.

    This runs after the commit: the write is done and acknowledged, so a channel layer that
    is down (Redis restarting) must not turn it into an error, nor make a client retry and
    write it twice. The event is logged and counted; sockets catch up when they reload.
    """
    global failed_publishes
    for group, _message in messages:
        FANNED_OUT.labels(group_kind(group)).inc()
    try:
        layer = get_channel_layer()
        if layer is None or publish_from_thread(layer, messages):
            return
        async_to_sync(_send_all)(messages)
    except Exception:  # noqa: BLE001 — any failure of the layer, see above
        failed_publishes += 1
        logger.warning(
            "live event not published (%d since start): channel layer unavailable", failed_publishes, exc_info=True
        )


def _send_after_commit(messages: list[tuple[str, dict[str, Any]]]) -> None:
    if messages:
        messages = [(group, _encoded(message)) for group, message in messages]
        transaction.on_commit(lambda: _send_now(messages), robust=True)


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


def _fan_out(
    layer_group: str, message: dict[str, Any], *, size: int, people: Callable[[], Iterable[int]], exclude: Iterable[int]
) -> None:
    exclude = set(exclude)
    if size < settings.PLAZA_FANOUT_GROUP_MIN:
        # A few people: one message each, on the same channel as their access changes, so
        # someone who joined a moment ago gets it (their socket reloads its scopes first).
        _send_after_commit([(user_group(uid), message) for uid in set(people()) - exclude])
        return
    # Many people: one message, whatever the size. A socket that joined this space or group
    # in the last instant, before its subscription reached the layer, may miss this one.
    _send_after_commit([(layer_group, {**message, "exclude": sorted(exclude)})])


def publish_to_space_on_commit(
    space_id: int,
    event: dict[str, Any],
    *,
    team_id: int | None = None,
    exclude: Iterable[int] = (),
    size: int,
    people: Callable[[], Iterable[int]],
) -> None:
    """Push ``event`` to the open sockets of the people who see the space's (or team's) posts.

    ``people`` returns those people (called only for a small audience); ``size`` is an upper
    bound of their number. From ``PLAZA_FANOUT_GROUP_MIN`` people on it is one message to the
    space's group, and each socket keeps it only if its person sees the space's posts (full
    members and admins) or the team's; ``exclude``: people who do not get it (the author).
    """
    message = {
        "type": "deliver", "event": event, "space_id": space_id, "team_id": team_id, "group_id": None,
        "full_members": team_id is None,
    }
    _fan_out(space_group(space_id), message, size=size, people=people, exclude=exclude)


def publish_to_chat_group_on_commit(
    group_id: int, space_id: int, event: dict[str, Any], *, members: set[int], exclude: Iterable[int] = ()
) -> None:
    """Push ``event`` to the open sockets of the members of discussion group ``group_id``
    (one message to the group's channel-layer group when it is big)."""
    message = {"type": "deliver", "event": event, "space_id": space_id, "team_id": None, "group_id": group_id}
    _fan_out(chat_group(group_id), message, size=len(members), people=lambda: members, exclude=exclude)


def access_changed_on_commit(user_ids: Iterable[int], *, join: Iterable[str] = ()) -> None:
    """Tell these people's sockets to reload what spaces, teams and groups they may see.

    ``join`` names channel-layer groups (``space_group(...)``, ``chat_group(...)``) the sockets
    subscribe to at once, before reading the database: an event sent to a space or discussion
    group just after someone joined it then reaches them (the socket handles its messages in
    order, so it is filtered with the reloaded scopes).
    """
    message = {"type": "access_changed", "join": sorted(set(join))}
    _send_after_commit([(user_group(uid), message) for uid in set(user_ids)])


def revoke_sockets_on_commit(user_id: int, *, token_id: int | None = None) -> None:
    """Close the person's sockets: all of them, or only those opened with ``token_id``."""
    _send_after_commit([(user_group(user_id), {"type": "session_revoked", "token_id": token_id})])


def recheck_sockets_on_commit(user_id: int) -> None:
    """Make each of the person's sockets check its credential again and close when it no
    longer holds: a session signed with an old password, a revoked token, a deactivated
    account. Sent after a password change or reset."""
    _send_after_commit([(user_group(user_id), {"type": "session_check"})])
