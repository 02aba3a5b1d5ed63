"""Call signalling over /ws/: SDP offers/answers and ICE candidates between participants."""

from __future__ import annotations

import json
from typing import Any

from channels.db import database_sync_to_async
from channels.layers import get_channel_layer

from plaza.core.realtime import user_group

MAX_PAYLOAD = 64 * 1024  # an SDP with many candidates stays well below this


@database_sync_to_async
def _scope(call_id: int, sender_id: int, to_id: int) -> int | None:
    from plaza.calls.queries import signal_scope

    return signal_scope(call_id, sender_id, to_id)


def _is_id(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value > 0


async def relay_signal(user_id: int, content: dict[str, Any]) -> None:
    """Relay ``{"type": "call.signal", "call_id", "to", "payload"}`` as ``call.signal`` to ``to``,
    only when sender and recipient are both participants of that live call. Anything else is
    dropped silently, so an outsider learns nothing about calls or people."""
    call_id, to, payload = content.get("call_id"), content.get("to"), content.get("payload")
    if not (_is_id(call_id) and _is_id(to)) or not isinstance(payload, dict):
        return
    if len(json.dumps(payload)) > MAX_PAYLOAD:
        return
    space_id = await _scope(call_id, user_id, to)
    if space_id is None:
        return
    event = {"type": "call.signal", "call_id": call_id, "from": user_id, "payload": payload}
    await get_channel_layer().group_send(
        user_group(to), {"type": "deliver", "event": event, "space_id": space_id, "team_id": None, "group_id": None}  # type: ignore[arg-type]
    )
