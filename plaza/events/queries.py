"""Reads of events: a space's events in a window, one event, its attendees, my events.

Every list runs a fixed number of queries: counts and the caller's own answer are
annotations, people come by ``select_related``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from plaza.core.errors import Invalid
from plaza.core.pagination import clamp_limit, decode_cursor, encode_cursor
from plaza.events.access import access_event, can_manage_event, space_events_q, visible_events_q
from plaza.events.models import Attendee, AttendeeStatus, Event, EventState
from plaza.spaces.access import SpaceAccess
from plaza.spaces.models import TeamMembership

PUBLIC_STATUSES = [AttendeeStatus.GOING, AttendeeStatus.MAYBE, AttendeeStatus.WAITLIST]


def events_queryset(user: Any) -> QuerySet[Event]:
    """Events with their organiser, team, space, seat counts and the caller's own answer."""
    mine = Attendee.objects.filter(event=OuterRef("pk"), user_id=getattr(user, "pk", None)).values("status")[:1]
    return Event.objects.select_related("space", "team", "organiser").annotate(
        going_count=Count("attendees", filter=Q(attendees__status=AttendeeStatus.GOING), distinct=True),
        waitlist_count=Count("attendees", filter=Q(attendees__status=AttendeeStatus.WAITLIST), distinct=True),
        my_status=Subquery(mine),
    )


def _ascending_page(qs: QuerySet[Any], *, field: str, cursor: str | None, limit: int | None) -> tuple[list[Any], str | None]:
    """One page of ``qs`` in ascending ``(field, id)`` order, and the next page's cursor."""
    size = clamp_limit(limit)
    if cursor:
        value, pk = decode_cursor(cursor)
        qs = qs.filter(Q(**{f"{field}__gt": value}) | Q(**{field: value, "pk__gt": pk}))
    rows = list(qs.order_by(field, "pk")[: size + 1])
    next_cursor = None
    if len(rows) > size:
        rows = rows[:size]
        next_cursor = encode_cursor(getattr(rows[-1], field), rows[-1].pk)
    return rows, next_cursor


def check_window(start: datetime | None, end: datetime | None) -> tuple[datetime | None, datetime | None]:
    if start is not None and timezone.is_naive(start):
        start = timezone.make_aware(start, timezone.get_current_timezone())
    if end is not None and timezone.is_naive(end):
        end = timezone.make_aware(end, timezone.get_current_timezone())
    if start is not None and end is not None and end < start:
        raise Invalid(_("The end of the range must not be before its start."), field="to")
    return start, end


def list_space_events(
    acc: SpaceAccess, *, start: datetime | None = None, end: datetime | None = None,
    cursor: str | None = None, limit: int | None = None,
) -> tuple[list[Event], str | None]:
    """The events of ``acc.space`` the caller may see that overlap ``[start, end)``, soonest
    first. Without ``start``, those not yet over."""
    start, end = check_window(start, end)
    qs = events_queryset(acc.user).filter(space_events_q(acc))
    qs = qs.filter(ends_at__gt=start if start is not None else timezone.now())
    if end is not None:
        qs = qs.filter(starts_at__lt=end)
    return _ascending_page(qs, field="starts_at", cursor=cursor, limit=limit)


def get_event(acc_or_user: SpaceAccess | Any, event_id: int) -> tuple[SpaceAccess, Event]:
    """One event the caller may see, with the annotations of :func:`events_queryset`."""
    acc, event = access_event(acc_or_user, event_id)
    return acc, events_queryset(acc.user).get(pk=event.pk)


def list_attendees(
    acc: SpaceAccess, event: Event, *, status: str | None = None, cursor: str | None = None, limit: int | None = None
) -> tuple[list[Attendee], str | None]:
    """Who answered, in the order they first did. Organisers also see pending, declined and
    invited people; everyone else sees those going, maybe and waiting."""
    qs = Attendee.objects.select_related("user").filter(space=event.space_id, event=event)
    if not can_manage_event(acc, event):
        qs = qs.filter(status__in=PUBLIC_STATUSES)
    if status:
        qs = qs.filter(status=status)
    return _ascending_page(qs, field="created", cursor=cursor, limit=limit)


def list_my_events(user: Any, *, start: datetime, end: datetime, limit: int = 1000) -> list[Event]:
    """Events I may see overlapping ``[start, end)`` that I organise, am going or maybe to, or
    that are for one of my teams; soonest first, cancelled ones left out. One query."""
    answered = Attendee.objects.filter(user=user, status__in=[AttendeeStatus.GOING, AttendeeStatus.MAYBE]).values("event_id")
    my_teams = TeamMembership.objects.filter(user=user).values("team_id")
    return list(
        Event.objects.select_related("space")
        .filter(visible_events_q(user))
        .filter(Q(pk__in=answered) | Q(team_id__in=my_teams) | Q(organiser=user))
        .filter(state=EventState.SCHEDULED, starts_at__lt=end, ends_at__gt=start)
        .order_by("starts_at", "pk")[:limit]
    )
