"""Who may reach a call: its participants (those rung), while they are in its space. Else 404."""

from __future__ import annotations

from typing import Any

from plaza.calls.models import Call, CallParticipant
from plaza.core.errors import NotAuthenticated, NotFound
from plaza.spaces.access import SpaceAccess, space_access_for
from plaza.spaces.models import Space


def access_call(user: Any, call_id: int) -> tuple[SpaceAccess, Call, CallParticipant]:
    if not getattr(user, "is_authenticated", False):
        raise NotAuthenticated()
    participant = (
        CallParticipant.objects.select_related("call")
        .filter(
            call_id=call_id,
            user=user,
        )
        .first()
    )
    if participant is None:
        raise NotFound()
    space = Space.objects.select_related("parent__parent").get(pk=participant.space_id)
    acc = space_access_for(user, space)
    if not acc.joined:
        raise NotFound()
    participant.call.space = space
    return acc, participant.call, participant
