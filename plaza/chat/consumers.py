"""Live traffic of discussion groups that clients send over /ws/: typing indicators."""

from __future__ import annotations

from typing import Any

from channels.db import database_sync_to_async
from channels.layers import get_channel_layer

from plaza.core.realtime import user_group


@database_sync_to_async
def _typing_audience(user_id: int, group_id: int) -> tuple[int, set[int], dict[str, Any]] | None:
    from plaza.accounts.models import User
    from plaza.chat.queries import list_typing_recipients

    found = list_typing_recipients(user_id, group_id)
    if found is None:
        return None
    user = User.objects.get(pk=user_id)
    return found[0], found[1], {"id": user.pk, "name": user.name, "handle": user.handle}


async def relay_typing(user_id: int, content: dict[str, Any]) -> None:
    """``{"type": "chat.typing", "group_id"}`` from a member reaches the group's other members.

    Anything else (not a member, unknown group, malformed id) is dropped silently: a typing
    indicator is not worth an error, and silence tells an outsider nothing.
    """
    group_id = content.get("group_id")
    if not isinstance(group_id, int) or isinstance(group_id, bool):
        return
    found = await _typing_audience(user_id, group_id)
    if found is None:
        return
    space_id, recipients, user = found
    layer = get_channel_layer()
    event = {"type": "chat.typing", "group_id": group_id, "user": user}
    for uid in recipients:
        await layer.group_send(
            user_group(uid),
            {"type": "deliver", "event": event, "space_id": space_id, "team_id": None, "group_id": group_id},
        )
