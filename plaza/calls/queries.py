"""Reads of calls: participants, and who may signal whom."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, QuerySet

from plaza.calls.models import Call, CallParticipant
from plaza.spaces.models import Membership


def list_participants(call: Call) -> QuerySet[CallParticipant]:
    return CallParticipant.objects.filter(space_id=call.space_id, call=call).select_related("user").order_by("invited", "pk")


def list_participant_ids(call: Call) -> set[int]:
    return set(CallParticipant.objects.filter(space_id=call.space_id, call=call).values_list("user_id", flat=True))


def signal_scope(call_id: int, sender_id: int, to_id: int) -> int | None:
    """The call's space id when both people are participants of the live call ``call_id`` and
    still members of its space; else None (one query)."""
    in_space = Exists(Membership.objects.filter(space_id=OuterRef("space_id"), user_id=OuterRef("user_id")))
    rows = set(
        CallParticipant.objects.filter(call_id=call_id, call__ended_at__isnull=True, user_id__in=[sender_id, to_id])
        .filter(in_space)
        .values_list("user_id", "space_id")
    )
    if {uid for uid, _sid in rows} != {sender_id, to_id} or sender_id == to_id:
        return None
    return next(iter(rows))[1]
