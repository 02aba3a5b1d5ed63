"""Pages of the calendar: month, week and agenda views, entries, the feed URL and import,
and the secret .ics feed itself (no sign-in: the secret in the URL is the credential).
"""

from __future__ import annotations

import calendar as stdlib_calendar
from collections import defaultdict
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from plaza.calendars import actions, queries
from plaza.core.errors import Invalid, NotFound
from plaza.core.pages import page_errors, parse_int, require_login
from plaza.spaces.queries import list_my_memberships

VIEWS = ("month", "week", "agenda")
AGENDA_DAYS = 30


def _user_tz(user: Any) -> ZoneInfo:
    try:
        return ZoneInfo(getattr(user, "timezone", "") or "UTC")
    except Exception:  # noqa: BLE001 — a bad stored value falls back to UTC
        return ZoneInfo("UTC")


def _parse_day(value: str | None, today: date) -> date:
    if not value:
        return today
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise Invalid(_("Give a date as YYYY-MM-DD."), field="date") from exc


def _window(view: str, day: date) -> tuple[date, date, date, date]:
    """First and last+1 day shown, and the days the previous/next links go to."""
    if view == "month":
        first = day.replace(day=1)
        start = first - timedelta(days=first.weekday())
        days_in = stdlib_calendar.monthrange(first.year, first.month)[1]
        last = first + timedelta(days=days_in)
        end = last + timedelta(days=(7 - last.weekday()) % 7)
        prev = (first - timedelta(days=1)).replace(day=1)
        return start, end, prev, last
    if view == "week":
        start = day - timedelta(days=day.weekday())
        return start, start + timedelta(days=7), start - timedelta(days=7), start + timedelta(days=7)
    return day, day + timedelta(days=AGENDA_DAYS), day - timedelta(days=AGENDA_DAYS), day + timedelta(days=AGENDA_DAYS)


def _by_day(items: list[queries.Item], start: date, end: date, tz: ZoneInfo) -> dict[date, list[queries.Item]]:
    """Each item under every day it touches, in the viewer's time zone."""
    days: dict[date, list[queries.Item]] = defaultdict(list)
    for item in items:
        first = max(item.starts_at.astimezone(tz).date(), start)
        last_moment = item.ends_at.astimezone(tz) - timedelta(microseconds=1)
        last = min(last_moment.date(), end - timedelta(days=1))
        d = first
        while d <= last:
            days[d].append(item)
            d += timedelta(days=1)
    return days


@page_errors
def calendar(request: HttpRequest) -> HttpResponse:
    require_login(request)
    tz = _user_tz(request.user)
    today = timezone.now().astimezone(tz).date()
    view = request.GET.get("view") if request.GET.get("view") in VIEWS else "month"
    day = _parse_day(request.GET.get("date"), today)
    start, end, prev_day, next_day = _window(view, day)
    items = queries.list_calendar(
        request.user, datetime.combine(start, time(), tzinfo=tz), datetime.combine(end, time(), tzinfo=tz)
    )
    by_day = _by_day(items, start, end, tz)
    days = [start + timedelta(days=i) for i in range((end - start).days)]
    grid = [[(d, by_day.get(d, [])) for d in days[i:i + 7]] for i in range(0, len(days), 7)]
    agenda = [(d, by_day[d]) for d in days if by_day.get(d)]
    feed = actions.do_get_or_create_feed(request.user)
    context = {
        "view": view, "day": day, "today": today, "month": day.replace(day=1), "grid": grid, "agenda": agenda,
        "week": grid[0] if view == "week" and grid else [], "prev_day": prev_day, "next_day": next_day,
        "tz": tz.key, "feed_url": request.build_absolute_uri(queries.feed_path(feed)),
        "weekdays": [stdlib_calendar.day_abbr[i] for i in range(7)],
        "teams": [(tm.team.pk, f"{tm.space.name} · {tm.team.name}") for tm in _my_teams(request.user)],
    }
    return render(request, "calendars/calendar.html", context)


def _my_teams(user: Any) -> list[Any]:
    from plaza.spaces.models import TeamMembership

    memberships = {m.space_id for m in list_my_memberships(user)}
    return [tm for tm in TeamMembership.objects.select_related("team", "space").filter(user=user).order_by("space__name", "team__name")
            if tm.space_id in memberships]


def _parse_local(value: str, field: str) -> datetime:
    try:
        return datetime.fromisoformat((value or "").strip())
    except ValueError as exc:
        raise Invalid(_("Give a date and time."), field=field) from exc


@page_errors
def create_entry(request: HttpRequest) -> HttpResponse:
    require_login(request)
    if request.method == "POST":
        team = request.POST.get("team_id", "").strip()
        actions.do_create_entry(
            request.user, title=request.POST.get("title", ""),
            starts_at=_parse_local(request.POST.get("starts_at", ""), "starts_at"),
            ends_at=_parse_local(request.POST.get("ends_at", ""), "ends_at"),
            rrule=request.POST.get("rrule", ""), team_id=parse_int(team, "team_id") if team else None,
        )
        messages.success(request, _("The entry is on your calendar."))
    return redirect("calendar")


@page_errors
def delete_entry(request: HttpRequest, entry_id: int) -> HttpResponse:
    require_login(request)
    if request.method == "POST":
        actions.do_delete_entry(request.user, queries.get_my_entry(request.user, entry_id))
        messages.success(request, _("The entry is deleted."))
    return redirect("calendar")


@page_errors
def rotate_feed(request: HttpRequest) -> HttpResponse:
    require_login(request)
    if request.method == "POST":
        actions.do_rotate_feed(request.user)
        messages.success(request, _("Your calendar has a new feed address; the old one no longer works."))
    return redirect("calendar")


@page_errors
def import_ics(request: HttpRequest) -> HttpResponse:
    require_login(request)
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            raise Invalid(_("Choose an .ics file."), field="file")
        count = actions.do_import_ics(request.user, upload.read(actions.MAX_IMPORT_BYTES + 1))
        messages.success(request, _("%(n)d entries imported.") % {"n": count})
    return redirect("calendar")


@require_GET
def ics_feed(request: HttpRequest, secret: str) -> HttpResponse:
    try:
        user = queries.get_feed_user(secret)
    except NotFound:
        return render(request, "404.html", status=404)
    response = HttpResponse(queries.build_ics(user), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="plaza.ics"'
    response["Cache-Control"] = "private, max-age=300"
    response["Referrer-Policy"] = "no-referrer"
    return response
