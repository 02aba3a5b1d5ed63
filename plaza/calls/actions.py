"""Every write of Dudu calls: start, join, leave (and the end when the last one leaves).

Participants are rung (``call.ring``) and told of changes (``call.updated``) and of the end
(``call.ended``) over their sockets after commit. A call started from a discussion group
leaves a record in the group: who joined and for how long.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from plaza.calls.models import MAX_PARTICIPANTS, Call, CallParticipant
from plaza.calls.queries import list_participant_ids, list_participants
from plaza.chat.actions import do_post_call_record, user_json
from plaza.chat.models import Group, GroupMember
from plaza.chat.queries import list_member_ids
from plaza.core.errors import Conflict, Forbidden, Invalid, NotAuthenticated
from plaza.core.realtime import publish_on_commit
from plaza.spaces.access import SpaceAccess
from plaza.spaces.models import Membership


def ice_servers() -> list[dict[str, Any]]:
    return list(settings.PLAZA_ICE_SERVERS)


def call_json(call: Call) -> dict[str, Any]:
    """A call as the API and the live events show it."""
    return {
        "id": call.pk,
        "space": call.space.slug,
        "group_id": call.group_id,
        "started_by": user_json(call.started_by),
        "started_at": call.started_at.isoformat(),
        "ended_at": call.ended_at.isoformat() if call.ended_at else None,
        "active": call.active,
        "participants": [
            {
                "user": user_json(p.user),
                "joined_at": p.joined_at.isoformat() if p.joined_at else None,
                "left_at": p.left_at.isoformat() if p.left_at else None,
                "in_call": p.in_call,
            }
            for p in list_participants(call)
        ],
        "ice_servers": ice_servers(),
        "url": f"/calls/{call.pk}/",
    }


def _tell(call: Call, event: dict[str, Any], *, exclude: set[int] | None = None) -> None:
    publish_on_commit(list_participant_ids(call) - (exclude or set()), {**event, "call_id": call.pk}, space_id=call.space_id)


def check_participants(acc: SpaceAccess, ids: list[int], *, group: Group | None) -> list[int]:
    """The people to ring: members of the group (when the call is from one) or of the space."""
    ids = [i for i in dict.fromkeys(ids) if i != acc.user.pk]
    if group is not None:
        allowed = list_member_ids(group)
        if not ids:
            ids = sorted(allowed - {acc.user.pk})
        if set(ids) - allowed:
            raise Invalid(_("Choose members of the group."), field="participant_ids")
    else:
        if not ids:
            raise Invalid(_("Choose whom to call."), field="participant_ids")
        found = set(Membership.objects.filter(space=acc.space, user_id__in=ids, user__is_active=True).values_list("user_id", flat=True))
        if len(found) != len(ids):
            raise Invalid(_("Choose people of this space."), field="participant_ids")
    if not ids:
        raise Invalid(_("There is nobody else to call."), field="participant_ids")
    if len(ids) + 1 > MAX_PARTICIPANTS:
        raise Invalid(_("A call has at most %(n)d participants.") % {"n": MAX_PARTICIPANTS}, field="participant_ids")
    return ids


@transaction.atomic
def do_start_call(acc: SpaceAccess, *, participant_ids: list[int], group: Group | None = None,
                  member: GroupMember | None = None) -> Call:
    """Start a call in ``acc.space`` (from ``group`` when given, the caller being its ``member``)
    and ring the others. The caller is in the call at once."""
    user = acc.user
    if not getattr(user, "is_authenticated", False):
        raise NotAuthenticated()
    if not acc.joined:
        raise Forbidden(_("Join the space to call people."))
    if group is not None and member is None:
        raise Forbidden()
    if group is None and not acc.is_member:
        # Guests know only the people of their teams: they call from a group they are in.
        raise Forbidden(_("Guests start calls from a discussion group."))
    ids = check_participants(acc, participant_ids, group=group)
    now = timezone.now()
    call = Call.objects.create(space=acc.space, group=group, started_by=user, started_at=now)
    call.space = acc.space
    CallParticipant.objects.bulk_create(
        [CallParticipant(space=acc.space, call=call, user=user, invited=now, joined_at=now)]
        + [CallParticipant(space=acc.space, call=call, user_id=uid, invited=now) for uid in ids]
    )
    publish_on_commit(
        ids,
        {"type": "call.ring", "call_id": call.pk, "from": user_json(user), "group_id": call.group_id,
         "space": acc.space.slug, "url": f"/calls/{call.pk}/"},
        space_id=acc.space.pk,
    )
    return call


@transaction.atomic
def do_join_call(acc: SpaceAccess, call: Call, participant: CallParticipant) -> Call:
    """Join (or re-join) a live call you were rung for. An ended call is 409."""
    call = Call.objects.select_for_update().select_related("started_by").get(pk=call.pk)
    call.space = acc.space
    if not call.active:
        raise Conflict(_("The call has ended."))
    participant.joined_at = timezone.now()
    participant.left_at = None
    participant.save(update_fields=["joined_at", "left_at"])
    _tell(call, {"type": "call.updated", "joined": participant.user_id})
    return call


def _minutes(seconds: float) -> str:
    minutes, secs = divmod(int(seconds), 60)
    return f"{minutes}:{secs:02d}"


@transaction.atomic
def do_leave_call(acc: SpaceAccess, call: Call, participant: CallParticipant) -> Call:
    """Leave a call. When nobody is left in it, it ends: participants get ``call.ended`` and
    a call from a group leaves its record there. Leaving an ended call changes nothing."""
    call = Call.objects.select_for_update().select_related("started_by").get(pk=call.pk)
    call.space = acc.space
    if not call.active:
        return call
    now = timezone.now()
    if participant.in_call:
        CallParticipant.objects.filter(pk=participant.pk).update(left_at=now)
    still_in = CallParticipant.objects.filter(call=call, joined_at__isnull=False, left_at__isnull=True).exists()
    if still_in:
        _tell(call, {"type": "call.updated", "left": participant.user_id})
        return call
    call.ended_at = now
    call.save(update_fields=["ended_at"])
    _tell(call, {"type": "call.ended"})
    if call.group_id is not None:
        group = Group.objects.filter(pk=call.group_id, space_id=call.space_id).first()
        if group is not None:
            joined = [p for p in list_participants(call) if p.joined_at is not None]
            names = ", ".join(p.user.name for p in joined)
            # Language-neutral: each reader's page puts "Call ended" before it in their language.
            body = f"{_minutes((now - call.started_at).total_seconds())} · {names}"
            do_post_call_record(group, author=call.started_by, body=body)
    return call
