"""Who may see and change events. Missing and forbidden look the same: 404.

An event has the audience of a post: the whole space or one team. The same rules decide who
sees it (``spaces.access.can_see_team``; guests only their teams' events), so the condition
is shared with the feed. Organisers and space admins change an event and approve people.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Q

from plaza.core.errors import Forbidden, NotAuthenticated, NotFound
from plaza.events.models import Event
from plaza.spaces.access import (
    SpaceAccess,
    can_see_hidden,
    can_see_scoped,
    list_people_who_see,
    space_access_for,
    unhidden_visible_q,
    visible_q,
)
from plaza.spaces.models import Space, Team, TeamMembership, Visibility


def _authenticated(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False))


def visible_events_q(user: Any) -> Q:
    """The events anywhere that ``user`` may see, as one condition (no extra query): the one
    rule of team-scoped content (``spaces.access.visible_q``), less those hidden by
    moderators from ``user`` (``spaces.access.unhidden_visible_q``)."""
    return visible_q(user) & unhidden_visible_q(user, author_field="organiser")


def space_events_q(acc: SpaceAccess) -> Q:
    """The events of ``acc.space`` the caller may see."""
    return Q(space=acc.space) & visible_events_q(acc.user)


def list_visible_event_ids(user: Any, ids: Iterable[int]) -> set[int]:
    """Among ``ids``, the events ``user`` may see now (one query)."""
    ids = list(ids)
    if not ids:
        return set()
    return set(Event.objects.filter(pk__in=ids).filter(visible_events_q(user)).values_list("pk", flat=True))


def list_event_audience(space: Space, team: Team | None, user_ids: Iterable[int] | None = None) -> set[int]:
    """Among ``user_ids`` (None: everyone), the people who may see an event of ``space``/``team``."""
    return list_people_who_see(space, team, user_ids)


def can_see_event(acc: SpaceAccess, event: Event) -> bool:
    """Events are seen like posts (``spaces.access.can_see_scoped``); space-wide events of a
    public space by anyone, signed out too."""
    if event.space_id != acc.space.pk:
        return False
    if not can_see_hidden(acc, event.hidden_at, event.organiser_id):
        return False
    if event.team_id is None and acc.space.visibility == Visibility.PUBLIC:
        return True  # space-wide content of a public space is public (visitors, signed out too)
    if not _authenticated(acc.user) or not acc.role:
        return False
    if event.team_id is None:
        return can_see_scoped(acc, None, None)
    team_membership = TeamMembership.objects.filter(team_id=event.team_id, user=acc.user).first()
    return can_see_scoped(acc, event.team, team_membership)


def can_manage_event(acc: SpaceAccess, event: Event) -> bool:
    """Organisers and space admins edit, cancel, invite and approve."""
    return _authenticated(acc.user) and (event.organiser_id == acc.user.pk or acc.is_admin)


def access_event(acc_or_user: SpaceAccess | Any, event_id: int, *, for_write: bool = False) -> tuple[SpaceAccess, Event]:
    """The caller's access to the space of event ``event_id``, and the event.

    Given a SpaceAccess, the event must be in that space. ``for_write`` asks to manage it:
    only its organiser or a space admin may (403 for others who can see it).
    """
    qs = Event.objects.select_related("space__parent__parent", "team", "organiser").filter(
        pk=event_id,
    )
    if isinstance(acc_or_user, SpaceAccess):
        acc = acc_or_user
        event = qs.filter(space=acc.space).first()
    else:
        event = qs.first()
        if not _authenticated(acc_or_user) and (event is None or event.space.visibility != Visibility.PUBLIC):
            raise NotAuthenticated()  # the sign-in page first; it may be theirs to see after
        acc = space_access_for(acc_or_user, event.space) if event is not None else None  # type: ignore[assignment]
    if event is None or not can_see_event(acc, event):
        raise NotFound()
    if for_write and not can_manage_event(acc, event):
        raise Forbidden()
    return acc, event


def can_create_event_in(acc: SpaceAccess, team: Team | None, team_membership: TeamMembership | None) -> bool:
    """Full members create space-wide events; in a team, its members and the space's admins."""
    if acc.is_admin:
        return True
    if team is None:
        return acc.is_member
    return acc.joined and team_membership is not None


def openable_events_q(user: Any) -> Q:
    """The events anywhere whose page ``user`` may open (:func:`access_event` and
    :func:`can_see_event` across spaces), as one condition: exactly :func:`visible_events_q`.
    Space-wide events of a public space open to anyone, signed out or not joined; every
    other event needs a role in its space (a membership with the right team, or admin of the
    space or a space above it), which the visibility rule already requires."""
    return visible_events_q(user)
