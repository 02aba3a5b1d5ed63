"""Pages of events: a space's events, one event with RSVP buttons and attendees, the form.

Each view parses input, reaches events through ``access_space``/``access_event``, calls one
action or query and renders the page, or one named partial of the same template for htmx.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _

from plaza.accounts.models import User
from plaza.core.errors import Invalid, NotFound
from plaza.core.pages import page_errors, parse_int, parse_ints, render_page, require_login
from plaza.events import actions, queries
from plaza.events.access import access_event
from plaza.events.models import AttendeeStatus, Enrollment, Event
from plaza.spaces.access import SpaceAccess, access_space
from plaza.spaces.queries import list_members, list_teams

FORM_FIELDS = ["title", "description", "starts_at", "ends_at", "timezone", "location", "online_url", "capacity",
               "enrollment", "registration_deadline", "team_id"]


def _local_input(value: datetime | None, tz_name: str) -> str:
    """A time as a datetime-local input shows it, in the event's time zone."""
    if value is None:
        return ""
    return value.astimezone(ZoneInfo(tz_name)).strftime("%Y-%m-%dT%H:%M")


def _parse_local(value: str, field: str) -> datetime | None:
    value = (value or "").strip()
    if not value:
        return None
    try:
        return datetime.fromisoformat(value)  # naive: read in the event's time zone by the action
    except ValueError as exc:
        raise Invalid(_("Give a date and time."), field=field) from exc


def _form_values(request: HttpRequest) -> dict[str, Any]:
    post = request.POST
    capacity = post.get("capacity", "").strip()
    return {
        "title": post.get("title", ""),
        "description": post.get("description", ""),
        "starts_at": _parse_local(post.get("starts_at", ""), "starts_at"),
        "ends_at": _parse_local(post.get("ends_at", ""), "ends_at"),
        "timezone_name": post.get("timezone", "") or None,
        "all_day": post.get("all_day") == "on",
        "location": post.get("location", ""),
        "online_url": post.get("online_url", ""),
        "capacity": parse_int(capacity, "capacity") if capacity else None,
        "enrollment": post.get("enrollment", Enrollment.OPEN),
        "registration_deadline": _parse_local(post.get("registration_deadline", ""), "registration_deadline"),
        "invitee_ids": parse_ints(post.getlist("invitee_ids"), "invitee_ids"),
    }


def _invitee_choices(acc: SpaceAccess, picked: list[int]) -> list[Any]:
    """The invitee list without JavaScript: the first members of the space (the type-ahead
    picker asks /api/v1/people for anyone else), and whoever was picked before an error."""
    members = [m.user for m in list_members(acc, limit=100)[0]] if acc.is_member else []
    # Only people of this space come back by name: a posted id of anyone else reveals nothing.
    again = User.objects.filter(pk__in=picked, memberships__space=acc.space) if picked else []
    return [u for u in members if u.pk not in picked] + list(again)


def _teams(acc: SpaceAccess) -> list[Any]:
    teams = list(list_teams(acc))
    return teams if acc.is_admin else [t for t in teams if getattr(t, "is_mine", False)]


def _event_context(acc: SpaceAccess, event: Event, **extra: Any) -> dict[str, Any]:
    attendees, _next = queries.list_attendees(acc, event, limit=100)
    return {
        "acc": acc, "space": acc.space, "tab": "events", "event": event, "attendees": attendees,
        "can_manage": event.organiser_id == acc.user.pk or acc.is_admin,
        "answers": [(AttendeeStatus.GOING, _("Going")), (AttendeeStatus.MAYBE, _("Maybe")),
                    (AttendeeStatus.DECLINED, _("Can’t go"))],
        **extra,
    }


@page_errors
def event_list(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        acc = access_space(request.user, slug)  # a public space shows its space-wide events to visitors
    except NotFound:
        require_login(request)  # signed out: the sign-in page first, as before
        raise
    cursor = request.GET.get("cursor") or None
    rows, next_cursor = queries.list_space_events(acc, cursor=cursor)
    context = {"acc": acc, "space": acc.space, "tab": "events", "events": rows, "next_cursor": next_cursor,
               "can_create": acc.is_member or acc.is_admin or bool(acc.joined and _teams(acc))}
    return render_page(request, "events/event_list.html", context, partial="items" if cursor else None)


def _render_form(request: HttpRequest, acc: SpaceAccess, event: Event | None, values: dict[str, Any],
                 error: Invalid | None = None) -> HttpResponse:
    """The event form; after a refused post, with what was typed and the error by its field."""
    picked = [int(v) for v in values.get("invitee_ids", []) if str(v).isdigit()]
    context = {"acc": acc, "space": acc.space, "tab": "events", "event": event, "values": values,
               "teams": [] if event else _teams(acc), "can_space_wide": acc.is_member or acc.is_admin,
               "enrollments": Enrollment.choices, "invitees": _invitee_choices(acc, picked), "picked": picked,
               "error": error.message() if error else "", "error_field": getattr(error, "field", None) or ""}
    return render_page(request, "events/event_form.html", context, status=422 if error else 200)


def _posted_values(request: HttpRequest) -> dict[str, Any]:
    values: dict[str, Any] = {f: request.POST.get(f, "") for f in FORM_FIELDS}
    values["all_day"] = request.POST.get("all_day") == "on"
    values["invitee_ids"] = request.POST.getlist("invitee_ids")
    return values


@page_errors
def event_create(request: HttpRequest, slug: str) -> HttpResponse:
    require_login(request)
    acc = access_space(request.user, slug)
    if request.method == "POST":
        team_id = request.POST.get("team_id", "").strip()
        try:
            event = actions.do_create_event(acc, **_form_values(request),
                                            team_id=parse_int(team_id, "team_id") if team_id else None)
        except Invalid as exc:
            return _render_form(request, acc, None, _posted_values(request), exc)
        messages.success(request, _("The event is created."))
        return redirect("event_detail", event_id=event.pk)
    tz = timezone.get_current_timezone_name()  # the person's (TimezoneMiddleware)
    return _render_form(request, acc, None, {"timezone": tz, "enrollment": "open"})


@page_errors
def event_edit(request: HttpRequest, event_id: int) -> HttpResponse:
    require_login(request)
    acc, event = access_event(request.user, event_id, for_write=True)
    if request.method == "POST":
        try:
            actions.do_update_event(acc, event, **_form_values(request))
        except Invalid as exc:
            return _render_form(request, acc, event, _posted_values(request), exc)
        messages.success(request, _("The event is saved."))
        return redirect("event_detail", event_id=event.pk)
    values = {f: getattr(event, f, "") for f in FORM_FIELDS if hasattr(event, f)}
    for f in ("starts_at", "ends_at", "registration_deadline"):
        values[f] = _local_input(getattr(event, f), event.timezone)
    values["capacity"] = event.capacity or ""
    return _render_form(request, acc, event, values)


@page_errors
def event_detail(request: HttpRequest, event_id: int) -> HttpResponse:
    acc, event = queries.get_event(request.user, event_id)
    return render_page(request, "events/event_detail.html", _event_context(acc, event, now=timezone.now()))


@page_errors
def event_rsvp(request: HttpRequest, event_id: int) -> HttpResponse:
    require_login(request)
    acc, event = access_event(request.user, event_id)
    if request.method == "POST":
        actions.do_rsvp(acc, event, request.POST.get("status", ""))
    if not request.htmx:
        return redirect("event_detail", event_id=event_id)
    _acc, fresh = queries.get_event(acc, event_id)
    return render_page(request, "events/event_detail.html", _event_context(acc, fresh), partial="rsvp")


@page_errors
def event_cancel(request: HttpRequest, event_id: int) -> HttpResponse:
    require_login(request)
    acc, event = access_event(request.user, event_id, for_write=True)
    if request.method == "POST":
        actions.do_cancel_event(acc, event)
        messages.success(request, _("The event is cancelled; attendees are told."))
    return redirect("event_detail", event_id=event_id)


@page_errors
def event_approve(request: HttpRequest, event_id: int, user_id: int) -> HttpResponse:
    require_login(request)
    acc, event = access_event(request.user, event_id, for_write=True)
    if request.method == "POST":
        actions.do_approve_attendee(acc, event, user_id)
    return redirect("event_detail", event_id=event_id)


@page_errors
def event_remove(request: HttpRequest, event_id: int, user_id: int) -> HttpResponse:
    require_login(request)
    acc, event = access_event(request.user, event_id, for_write=True)
    if request.method == "POST":
        actions.do_remove_attendee(acc, event, user_id)
    return redirect("event_detail", event_id=event_id)
