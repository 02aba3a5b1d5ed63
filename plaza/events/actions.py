"""Every write of events: create, edit, cancel, invitations, RSVPs, approvals, reminders.

Each ``do_*`` runs in one transaction after validating its input (``check_*``). Anything
that changes who holds a seat locks the event row first (``select_for_update``), so two
people answering at once can never both take the last seat, and a freed seat is given to
exactly one person on the waiting list. Notifications leave through ``notify`` after commit.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from plaza.core import audit, markdown
from plaza.core.errors import Conflict, Forbidden, Invalid, NotAuthenticated, NotFound
from plaza.core.validation import INT32_MAX, check_datetime
from plaza.events.access import can_create_event_in, can_manage_event, list_event_audience
from plaza.events.models import (
    MAX_DESCRIPTION,
    MAX_TITLE,
    TRANSITIONS,
    Attendee,
    AttendeeStatus,
    Enrollment,
    Event,
    EventState,
    ReminderKind,
    ReminderSent,
)
from plaza.notifications.actions import notify
from plaza.search import actions as search
from plaza.spaces.access import SpaceAccess, can_see_team
from plaza.spaces.models import Team, TeamMembership
from plaza.webhooks import actions as webhooks

# Who hears about changes and cancellation: everyone with an answer that is not "no".
INTERESTED = [AttendeeStatus.GOING, AttendeeStatus.MAYBE, AttendeeStatus.WAITLIST, AttendeeStatus.PENDING]
ANSWERS = {AttendeeStatus.GOING, AttendeeStatus.MAYBE, AttendeeStatus.DECLINED}
# Changing any of these tells the attendees ("event_changed").
TIME_AND_PLACE = ("starts_at", "ends_at", "timezone", "all_day", "location", "online_url")
AUDITED = ["title", "starts_at", "ends_at", "timezone", "all_day", "location", "online_url", "capacity",
           "enrollment", "registration_deadline", "state"]
MAX_INVITEES = 500
# How far ahead the scheduled sweep looks for seats held by people who left: later events
# are swept once they come this close (the sweep's cost stays bounded).
SEAT_SWEEP_AHEAD = timedelta(days=60)


# --- checks -------------------------------------------------------------------------------


def _require_user(acc: SpaceAccess) -> Any:
    if not getattr(acc.user, "is_authenticated", False):
        raise NotAuthenticated()
    return acc.user


def check_timezone(name: str | None, default: str = "UTC") -> str:
    name = (name or "").strip() or default
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError) as exc:
        raise Invalid(_("Choose a known time zone, such as Asia/Shanghai."), field="timezone") from exc
    return name


def _aware(value: datetime | None, tz: ZoneInfo) -> datetime | None:
    """A time without an offset is read in the event's time zone."""
    if value is None:
        return None
    if timezone.is_naive(value):
        return value.replace(tzinfo=tz)
    return value


def _whole_days(starts_at: datetime, ends_at: datetime, tz: ZoneInfo) -> tuple[datetime, datetime]:
    """All-day events run from midnight of their first day to midnight after their last."""
    start_local = starts_at.astimezone(tz)
    start = datetime.combine(start_local.date(), time(), tzinfo=tz)
    end_local = ends_at.astimezone(tz)
    end = datetime.combine(end_local.date(), time(), tzinfo=tz)
    if end_local.time() != time() or end <= start:
        end = datetime.combine(end_local.date() + timedelta(days=1), time(), tzinfo=tz)
    if end <= start:
        end = start + timedelta(days=1)
    return start, end


def check_event(values: dict[str, Any]) -> dict[str, Any]:
    """Validate a complete set of event fields (after merging an edit); returns them cleaned."""
    out = dict(values)
    title = (out.get("title") or "").strip()
    if not title:
        raise Invalid(_("Give the event a title."), field="title")
    if len(title) > MAX_TITLE:
        raise Invalid(_("At most %(n)d characters.") % {"n": MAX_TITLE}, field="title")
    out["title"] = title
    description = (out.get("description") or "").strip()
    if len(description) > MAX_DESCRIPTION:
        raise Invalid(_("At most %(n)d characters.") % {"n": MAX_DESCRIPTION}, field="description")
    out["description"] = description
    out["timezone"] = check_timezone(out.get("timezone"))
    tz = ZoneInfo(out["timezone"])
    for name in ("starts_at", "ends_at", "registration_deadline"):
        check_datetime(out.get(name), field=name)
    starts_at, ends_at = _aware(out.get("starts_at"), tz), _aware(out.get("ends_at"), tz)
    if starts_at is None:
        raise Invalid(_("Give a start time."), field="starts_at")
    if ends_at is None:
        raise Invalid(_("Give an end time."), field="ends_at")
    out["all_day"] = bool(out.get("all_day"))
    if out["all_day"]:
        starts_at, ends_at = _whole_days(starts_at, ends_at, tz)
    if ends_at <= starts_at:
        raise Invalid(_("The end must be after the start."), field="ends_at")
    if ends_at - starts_at > timedelta(days=366):
        raise Invalid(_("An event lasts at most a year."), field="ends_at")
    out["starts_at"], out["ends_at"] = starts_at, ends_at
    out["location"] = (out.get("location") or "").strip()
    if len(out["location"]) > 300:
        raise Invalid(_("At most %(n)d characters.") % {"n": 300}, field="location")
    online_url = (out.get("online_url") or "").strip()
    if online_url:
        parts = urlsplit(online_url)
        if parts.scheme not in ("http", "https") or not parts.netloc or len(online_url) > 500:
            raise Invalid(_("Give an http or https link."), field="online_url")
    out["online_url"] = online_url
    capacity = out.get("capacity")
    if capacity is not None and not 1 <= capacity <= INT32_MAX:
        raise Invalid(_("Capacity must be at least 1, or empty for no limit."), field="capacity")
    if out.get("enrollment") not in Enrollment.values:
        raise Invalid(_("Choose open, approval or invite."), field="enrollment")
    deadline = _aware(out.get("registration_deadline"), tz)
    if deadline is not None and deadline > starts_at:
        raise Invalid(_("The registration deadline must not be after the start."), field="registration_deadline")
    out["registration_deadline"] = deadline
    return out


def check_team(acc: SpaceAccess, team_id: int | None) -> Team | None:
    """The team an event is for: visible to the caller (else 422) and theirs (else 403)."""
    if team_id is None:
        if not can_create_event_in(acc, None, None):
            raise Forbidden(_("Guests create events only in their teams."))
        return None
    team = Team.objects.filter(space=acc.space, pk=team_id).first()
    team_membership = None
    if team is not None:
        team_membership = TeamMembership.objects.filter(team=team, user=acc.user).first()
    if team is None or not can_see_team(acc, team, team_membership):
        raise Invalid(_("No such team."), field="team_id")
    if not can_create_event_in(acc, team, team_membership):
        raise Forbidden(_("Join the team to create events in it."))
    return team


def _check_invitees(event: Event, user_ids: list[int] | None) -> list[int]:
    ids = list(dict.fromkeys(user_ids or []))
    if len(ids) > MAX_INVITEES:
        raise Invalid(_("At most %(n)d people at once.") % {"n": MAX_INVITEES}, field="invitee_ids")
    if not ids:
        return []
    seeing = list_event_audience(event.space, event.team, ids)
    if set(ids) - seeing:
        raise Invalid(_("Invite only people who may see the event."), field="invitee_ids")
    return ids


# --- helpers ------------------------------------------------------------------------------


def _lock(event: Event) -> Event:
    """Lock the event row for the rest of the transaction; seat changes are serialized by it."""
    fresh = Event.objects.select_for_update().only("state", "capacity").get(pk=event.pk)
    event.state, event.capacity = fresh.state, fresh.capacity
    return event


def _going_count(event: Event) -> int:
    return Attendee.objects.filter(space=event.space_id, event=event, status=AttendeeStatus.GOING).count()


def _has_seat(event: Event) -> bool:
    return event.capacity is None or _going_count(event) < event.capacity


def _notify(event: Event, recipients: Any, kind: str, actor: Any = None) -> None:
    notify(recipients=recipients, kind=kind, actor=actor, space=event.space, team_id=event.team_id,
           target_type="event", target_id=event.pk, data={"title": event.title})


def _promote_waitlist(event: Event, actor: Any = None) -> list[int]:
    """Give freed seats to the waiting list, first come first served. The event is locked."""
    waiting = Attendee.objects.filter(space=event.space_id, event=event, status=AttendeeStatus.WAITLIST).order_by(
        "waitlisted_at", "pk"
    )
    if event.capacity is not None:
        free = event.capacity - _going_count(event)
        if free <= 0:
            return []
        waiting = waiting[:free]
    promoted = list(waiting.values_list("pk", "user_id"))
    if not promoted:
        return []
    Attendee.objects.filter(pk__in=[pk for pk, _uid in promoted]).update(status=AttendeeStatus.GOING, waitlisted_at=None)
    user_ids = [uid for _pk, uid in promoted]
    _notify(event, user_ids, "event_promoted", actor=None)
    return user_ids


def _interested_ids(event: Event) -> list[int]:
    return list(
        Attendee.objects.filter(space=event.space_id, event=event, status__in=INTERESTED).values_list("user_id", flat=True)
    )


# --- events -------------------------------------------------------------------------------


@transaction.atomic
def do_create_event(
    acc: SpaceAccess,
    *,
    title: str,
    starts_at: datetime,
    ends_at: datetime,
    description: str = "",
    timezone_name: str | None = None,
    all_day: bool = False,
    location: str = "",
    online_url: str = "",
    capacity: int | None = None,
    enrollment: str = Enrollment.OPEN,
    registration_deadline: datetime | None = None,
    team_id: int | None = None,
    invitee_ids: list[int] | None = None,
) -> Event:
    """Create an event in ``acc.space`` (or one of its teams); the creator organises it."""
    user = _require_user(acc)
    default_tz = getattr(user, "timezone", "") or "UTC"
    values = check_event({
        "title": title, "description": description, "starts_at": starts_at, "ends_at": ends_at,
        "timezone": timezone_name or default_tz, "all_day": all_day, "location": location, "online_url": online_url,
        "capacity": capacity, "enrollment": enrollment, "registration_deadline": registration_deadline,
    })
    team = check_team(acc, team_id)
    event = Event.objects.create(space=acc.space, team=team, organiser=user, html=markdown.render(values["description"]),
                                 **values)
    _invite(event, _check_invitees(event, invitee_ids), actor=user)
    audit.record(space=acc.space, actor=user, action="event.create", target=event, after=audit.snapshot(event, AUDITED))
    search.index_event(event, new=True)
    webhooks.emit(acc.space, "event.created", {"id": event.pk, "title": event.title, "team_id": event.team_id, "starts_at": event.starts_at, "ends_at": event.ends_at, "organiser": webhooks.person(user)})
    return event


def _invite(event: Event, user_ids: list[int], *, actor: Any) -> None:
    if not user_ids:
        return
    existing = set(Attendee.objects.filter(space=event.space_id, event=event, user_id__in=user_ids).values_list("user_id", flat=True))
    Attendee.objects.filter(space=event.space_id, event=event, user_id__in=existing).update(invited=True)
    new = [uid for uid in user_ids if uid not in existing]
    Attendee.objects.bulk_create([
        Attendee(space_id=event.space_id, event=event, user_id=uid, status=AttendeeStatus.INVITED, invited=True) for uid in new
    ])
    if new:
        _notify(event, new, "event_invited", actor=actor)


@transaction.atomic
def do_update_event(acc: SpaceAccess, event: Event, **changes: Any) -> Event:
    """Change an event (organiser or admin). Attendees hear about a new time or place.

    ``changes`` holds only the fields sent; ``invitee_ids`` adds invited people.
    """
    user = _require_user(acc)
    if not can_manage_event(acc, event):
        raise Forbidden()
    _lock(event)
    if event.cancelled:
        raise Conflict(_("The event is cancelled."))
    invitee_ids = changes.pop("invitee_ids", None)
    if "timezone_name" in changes:
        changes["timezone"] = changes.pop("timezone_name")
    fields = ["title", "description", "starts_at", "ends_at", "timezone", "all_day", "location", "online_url",
              "capacity", "enrollment", "registration_deadline"]
    current = {f: getattr(event, f) for f in fields}
    before = audit.snapshot(event, AUDITED)
    values = check_event({**current, **{k: v for k, v in changes.items() if k in fields}})
    changed = [f for f in fields if values[f] != current[f]]
    for f in changed:
        setattr(event, f, values[f])
    if "description" in changed:
        event.html = markdown.render(event.description)
    if changed:
        event.updated = timezone.now()
        event.save()
        search.index_event(event)
        audit.record(space=acc.space, actor=user, action="event.update", target=event, before=before,
                     after=audit.snapshot(event, AUDITED))
    if any(f in TIME_AND_PLACE for f in changed):
        _notify(event, _interested_ids(event), "event_changed", actor=user)
    if "capacity" in changed:
        _promote_waitlist(event)
    if invitee_ids is not None:
        _invite(event, _check_invitees(event, invitee_ids), actor=user)
    return event


def transition_event(event: Event, to: str) -> None:
    """The one way an event changes state, checked against :data:`TRANSITIONS` (409 otherwise)."""
    if to not in TRANSITIONS.get(event.state, set()):
        raise Conflict(_("An event that is %(state)s cannot become %(to)s.") % {"state": event.state, "to": to})
    event.state = to
    event.updated = timezone.now()
    Event.objects.filter(pk=event.pk).update(state=to, updated=event.updated)


@transaction.atomic
def do_cancel_event(acc: SpaceAccess, event: Event) -> Event:
    """Cancel an event (organiser or admin) and tell everyone who had answered yes or maybe."""
    user = _require_user(acc)
    if not can_manage_event(acc, event):
        raise Forbidden()
    _lock(event)
    transition_event(event, EventState.CANCELLED)
    audit.record(space=acc.space, actor=user, action="event.cancel", target=event)
    _notify(event, _interested_ids(event), "event_cancelled", actor=user)
    return event


# --- answers ------------------------------------------------------------------------------


@transaction.atomic
def do_rsvp(acc: SpaceAccess, event: Event, status: str) -> Attendee:
    """Answer ``going``, ``maybe`` or ``declined``; returns the attendee with the status held.

    ``going`` becomes ``pending`` until an organiser approves (approval events) and
    ``waitlist`` when the event is full. A seat given up goes to the waiting list.
    """
    user = _require_user(acc)
    if status not in ANSWERS:
        raise Invalid(_("Answer going, maybe or declined."), field="status")
    if not (acc.joined or acc.is_admin):
        raise Forbidden(_("Join the space to take part."))
    _lock(event)
    if event.cancelled:
        raise Conflict(_("The event is cancelled."))
    now = timezone.now()
    if event.ends_at <= now:
        raise Conflict(_("The event is over."))
    manager = can_manage_event(acc, event)
    attendee = Attendee.objects.filter(space=event.space_id, event=event, user=user).first()
    if event.enrollment == Enrollment.INVITE and not manager and (attendee is None or not attendee.invited):
        raise Forbidden(_("Only invited people may answer this event."))
    if status != AttendeeStatus.DECLINED and event.registration_deadline and event.registration_deadline < now:
        raise Conflict(_("Registration has closed."))
    if attendee is None:
        attendee = Attendee(space_id=event.space_id, event=event, user=user, status=AttendeeStatus.INVITED)
    previous = attendee.status
    if status == AttendeeStatus.GOING:
        if previous in (AttendeeStatus.GOING, AttendeeStatus.WAITLIST, AttendeeStatus.PENDING):
            new = previous  # asking again keeps one's place
        elif event.enrollment == Enrollment.APPROVAL and not attendee.approved and not manager:
            new = AttendeeStatus.PENDING
        elif _has_seat(event):
            new = AttendeeStatus.GOING
        else:
            new = AttendeeStatus.WAITLIST
    else:
        new = status
    attendee.status = new
    attendee.responded_at = now
    attendee.waitlisted_at = (attendee.waitlisted_at or now) if new == AttendeeStatus.WAITLIST else None
    attendee.save()
    if previous == AttendeeStatus.GOING and new != AttendeeStatus.GOING:
        _promote_waitlist(event)
    return attendee


@transaction.atomic
def do_approve_attendee(acc: SpaceAccess, event: Event, user_id: int) -> Attendee:
    """An organiser approves a person: a seat if there is one, else the waiting list."""
    user = _require_user(acc)
    if not can_manage_event(acc, event):
        raise Forbidden()
    _lock(event)
    if event.cancelled:
        raise Conflict(_("The event is cancelled."))
    attendee = Attendee.objects.select_related("user").filter(space=event.space_id, event=event, user_id=user_id).first()
    if attendee is None:
        raise NotFound()
    attendee.approved = True
    if attendee.status == AttendeeStatus.PENDING:
        if _has_seat(event):
            attendee.status = AttendeeStatus.GOING
        else:
            attendee.status, attendee.waitlisted_at = AttendeeStatus.WAITLIST, timezone.now()
        _notify(event, [attendee.user_id], "event_approved", actor=user)
    attendee.save()
    return attendee


@transaction.atomic
def do_remove_attendee(acc: SpaceAccess, event: Event, user_id: int) -> None:
    """An organiser takes someone off the event; a seat they held goes to the waiting list."""
    user = _require_user(acc)
    if not can_manage_event(acc, event):
        raise Forbidden()
    _lock(event)
    attendee = Attendee.objects.filter(space=event.space_id, event=event, user_id=user_id).first()
    if attendee is None:
        raise NotFound()
    held_seat = attendee.status == AttendeeStatus.GOING
    attendee.delete()
    audit.record(space=acc.space, actor=user, action="event.remove_attendee", target=event, before={"user_id": user_id})
    if held_seat and not event.cancelled:
        _promote_waitlist(event)


def do_release_lost_seats(now: datetime | None = None) -> int:
    """Free the seats and places of people who may no longer see an upcoming event (removed
    from the space or its team), and give the seats to the waiting list. Runs from the
    scheduled job; each event is one transaction under its row lock. Returns seats freed."""
    now = now or timezone.now()
    held = [AttendeeStatus.GOING, AttendeeStatus.WAITLIST, AttendeeStatus.PENDING, AttendeeStatus.MAYBE]
    upcoming = Event.objects.select_related("space", "team").filter(
        state=EventState.SCHEDULED, ends_at__gt=now, starts_at__lt=now + SEAT_SWEEP_AHEAD, attendees__status__in=held
    ).distinct()
    freed = 0
    for event in upcoming:
        with transaction.atomic():
            _lock(event)
            answers = dict(
                Attendee.objects.filter(space=event.space_id, event=event, status__in=held).values_list("user_id", "status")
            )
            lost = set(answers) - list_event_audience(event.space, event.team, answers)
            if not lost:
                continue
            Attendee.objects.filter(space=event.space_id, event=event, user_id__in=lost).delete()
            seats = sum(1 for uid in lost if answers[uid] == AttendeeStatus.GOING)
            if seats:
                freed += seats
                _promote_waitlist(event)
    return freed


# --- reminders ----------------------------------------------------------------------------


def _claim(event: Event, user_id: int, kind: str) -> bool:
    """Insert the sent marker; False when someone (another worker, an earlier run) already did."""
    try:
        with transaction.atomic():
            ReminderSent.objects.create(space_id=event.space_id, event=event, user_id=user_id, kind=kind,
                                        starts_at=event.starts_at)
    except IntegrityError:
        return False
    return True


def do_send_due_reminders(now: datetime | None = None) -> int:
    """Remind those going, a day and an hour before the start, each reminder exactly once.

    Runs from the scheduled job. Each event is one transaction: the marker and the
    notification commit together, so a reminder is neither lost nor sent twice.
    """
    now = now or timezone.now()
    due = Event.objects.select_related("space", "team").filter(
        state=EventState.SCHEDULED, starts_at__gt=now, starts_at__lte=now + timedelta(hours=24)
    ).order_by("starts_at", "pk")
    sent = 0
    for event in due:
        kind = ReminderKind.HOUR if event.starts_at - now <= timedelta(hours=1) else ReminderKind.DAY
        with transaction.atomic():
            going = Attendee.objects.filter(space=event.space_id, event=event, status=AttendeeStatus.GOING).values_list(
                "user_id", flat=True
            )
            claimed = [uid for uid in going if _claim(event, uid, kind)]
            if claimed:
                notify(recipients=claimed, kind="event_reminder", space=event.space, team_id=event.team_id,
                       target_type="event", target_id=event.pk,
                       data={"title": event.title, "when": kind})
            sent += len(claimed)
    return sent


@transaction.atomic
def do_set_event_hidden(acc: SpaceAccess, event: Event, *, hidden: bool) -> None:
    """Hide the event for moderation (space admins), or show it again: hidden, it is gone for
    everyone but the space's admins and its author (``spaces.access.unhidden_*``)."""
    if not acc.is_admin:
        raise Forbidden()
    if (event.hidden_at is not None) == hidden:
        return
    event.hidden_at = timezone.now() if hidden else None
    Event.objects.filter(pk=event.pk).update(hidden_at=event.hidden_at)
