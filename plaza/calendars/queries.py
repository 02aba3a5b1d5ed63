"""Reads of the calendar: my merged calendar in a window, the secret feed as iCalendar.

``list_calendar`` runs a fixed number of queries (my events, my entries), whatever the
number of items; recurring entries are expanded in Python, at most MAX_OCCURRENCES each.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from dateutil.rrule import DAILY, HOURLY, WEEKLY
from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _

from plaza.calendars.actions import parse_rrule
from plaza.calendars.models import Entry, Feed
from plaza.core.errors import Invalid, NotFound
from plaza.events.queries import list_my_events
from plaza.spaces.models import TeamMembership

MAX_OCCURRENCES = 500  # per recurring entry and window
MAX_ITEMS = 2000
MAX_WINDOW = timedelta(days=400)
FEED_PAST = timedelta(days=180)
FEED_FUTURE = timedelta(days=400)


@dataclass
class Item:
    """One thing on the calendar: an event, or one occurrence of an entry."""

    kind: str  # event | entry
    id: int
    title: str
    starts_at: datetime
    ends_at: datetime
    space: str | None  # the space's slug; None for private entries
    space_name: str = ""
    team_id: int | None = None
    all_day: bool = False
    recurring: bool = False
    url: str = ""


def check_window(start: datetime | None, end: datetime | None) -> tuple[datetime, datetime]:
    """``[start, end)``: today (UTC) and a month on by default; at most MAX_WINDOW long."""
    if start is None:
        start = timezone.now().replace(hour=0, minute=0, second=0, microsecond=0)
    if timezone.is_naive(start):
        start = timezone.make_aware(start, timezone.get_current_timezone())
    if end is None:
        end = start + timedelta(days=31)
    if timezone.is_naive(end):
        end = timezone.make_aware(end, timezone.get_current_timezone())
    if end <= start:
        raise Invalid(_("The end of the range must be after its start."), field="to")
    if end - start > MAX_WINDOW:
        raise Invalid(f"A window may span at most {MAX_WINDOW.days} days.", field="to")
    return start, end


def entries_q(user: Any) -> Q:
    """My private entries and the schedule entries of my teams."""
    my_teams = TeamMembership.objects.filter(user=user).values("team_id")
    return Q(owner=user, team__isnull=True) | Q(team_id__in=my_teams)


# Occurrences one calendar read may compute across all its recurring entries, those passed
# over on the way to the window included (issue 18, item 6).
MAX_EXPANSIONS = 10_000
_STEPS = {HOURLY: timedelta(hours=1), DAILY: timedelta(days=1), WEEKLY: timedelta(weeks=1)}


def _rule_near(entry: Entry, before: datetime) -> Any:
    """``entry``'s rule, restarted at a point of its own grid shortly before ``before``, so
    that expanding a window does not walk every occurrence since the entry began.

    A rule with COUNT is first turned into one with UNTIL (its last start, kept in
    ``repeats_until``). Hourly, daily and weekly rules move on by whole multiples of their
    interval (wall-clock, as dateutil steps); monthly and yearly ones by whole 400-year
    Gregorian cycles (the calendar repeats), being cheap to walk otherwise.
    """
    tz = ZoneInfo(entry.timezone)
    dtstart = entry.starts_at.astimezone(tz)
    rule = parse_rrule(entry.rrule, dtstart)
    if rule._count is not None:  # noqa: SLF001 — dateutil exposes no public getter
        rule = rule.replace(count=None, until=entry.repeats_until)
    freq, interval = rule._freq, rule._interval  # noqa: SLF001
    gap = before.astimezone(tz).replace(tzinfo=None) - dtstart.replace(tzinfo=None)
    if freq in _STEPS:
        step = _STEPS[freq] * interval
        periods = gap // step - 1
        if periods > 0:
            return rule.replace(dtstart=dtstart + step * periods)
    else:
        cycles = (gap.days // 146_097 // interval) * interval  # 146,097 days: 400 years
        if cycles > 0:
            return rule.replace(dtstart=dtstart.replace(year=dtstart.year + 400 * cycles))
    return rule


def occurrences(entry: Entry, start: datetime, end: datetime, budget: list[int] | None = None) -> list[tuple[datetime, datetime]]:
    """The (start, end) of each occurrence of ``entry`` overlapping ``[start, end)``, at most
    MAX_OCCURRENCES. ``budget`` (a one-item list) is what is left of the request's
    MAX_EXPANSIONS; each occurrence computed spends one."""
    duration = entry.ends_at - entry.starts_at
    if not entry.rrule:
        return [(entry.starts_at, entry.ends_at)] if entry.starts_at < end and entry.ends_at > start else []
    budget = budget if budget is not None else [MAX_EXPANSIONS]
    out: list[tuple[datetime, datetime]] = []
    if budget[0] <= 0:
        return out
    for occurrence in _rule_near(entry, start - duration):
        budget[0] -= 1
        if occurrence >= end:
            break
        if occurrence + duration > start:
            out.append((occurrence, occurrence + duration))
        if budget[0] <= 0 or len(out) >= MAX_OCCURRENCES:
            break
    return out


def list_entries(user: Any, start: datetime, end: datetime) -> list[Entry]:
    """Entries that may have an occurrence in ``[start, end)`` (one query)."""
    once = Q(rrule="", ends_at__gt=start)
    recurring = ~Q(rrule="") & (Q(repeats_until__isnull=True) | Q(repeats_until__gt=start - timedelta(days=366)))
    return list(
        Entry.objects.select_related("space")
        .filter(entries_q(user))
        .filter(starts_at__lt=end)
        .filter(once | recurring)
        .order_by("starts_at", "pk")[:MAX_ITEMS]
    )


def list_calendar(user: Any, start: datetime | None = None, end: datetime | None = None) -> list[Item]:
    """My calendar in ``[start, end)``, ascending: events I am going or maybe to, my teams'
    events, my teams' schedules and my private entries (recurring ones expanded)."""
    start, end = check_window(start, end)
    items = [
        Item("event", e.pk, e.title, e.starts_at, e.ends_at, e.space.slug, e.space.name, e.team_id, e.all_day,
             url=f"/events/{e.pk}/")
        for e in list_my_events(user, start=start, end=end, limit=MAX_ITEMS)
    ]
    budget = [MAX_EXPANSIONS]
    for entry in list_entries(user, start, end):
        for occ_start, occ_end in occurrences(entry, start, end, budget):
            items.append(Item("entry", entry.pk, entry.title, occ_start, occ_end,
                              entry.space.slug if entry.space else None, entry.space.name if entry.space else "",
                              entry.team_id, entry.all_day, recurring=bool(entry.rrule)))
    items.sort(key=lambda i: (i.starts_at, i.kind, i.id))
    return items[:MAX_ITEMS]


def get_my_entry(user: Any, entry_id: int) -> Entry:
    entry = Entry.objects.filter(pk=entry_id, owner=user).first()
    if entry is None:
        raise NotFound()
    return entry


# --- the secret feed ----------------------------------------------------------------------


def feed_secret(feed: Feed) -> str:
    sig = salted_hmac("plaza.calendars.feed", f"{feed.user_id}:{feed.nonce}", algorithm="sha256").hexdigest()
    return f"{feed.user_id}.{sig}"


def feed_path(feed: Feed) -> str:
    return f"/calendar/ics/{feed_secret(feed)}.ics"


def get_feed_user(secret: str) -> Any:
    """The person whose current feed secret this is; NotFound for anything else (an old one)."""
    user_id, _dot, _sig = secret.partition(".")
    if not user_id.isdigit():
        raise NotFound()
    feed = Feed.objects.select_related("user").filter(user_id=int(user_id), user__is_active=True).first()
    if feed is None or not constant_time_compare(feed_secret(feed), secret):
        raise NotFound()
    return feed.user


def build_ics(user: Any, now: datetime | None = None) -> bytes:
    """My calendar as iCalendar: events from half a year ago on, entries with their RRULE."""
    from icalendar import Calendar
    from icalendar import Event as VEvent


    now = now or timezone.now()
    start, end = now - FEED_PAST, now + FEED_FUTURE
    cal = Calendar()
    cal.add("prodid", "-//Plaza//Calendar//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", f"Plaza · {user.name}")
    events = {e.pk: e for e in list_my_events(user, start=start, end=end, limit=MAX_ITEMS)}
    for event in events.values():
        tz = ZoneInfo(event.timezone)
        component = VEvent()
        component.add("uid", f"event-{event.pk}@plaza")
        component.add("summary", event.title)
        component.add("dtstamp", event.updated)
        if event.all_day:
            component.add("dtstart", event.starts_at.astimezone(tz).date())
            component.add("dtend", event.ends_at.astimezone(tz).date())
        else:
            component.add("dtstart", event.starts_at.astimezone(tz))
            component.add("dtend", event.ends_at.astimezone(tz))
        if event.location or event.online_url:
            component.add("location", event.location or event.online_url)
        if event.description:
            component.add("description", event.description)
        component.add("url", f"{settings.PLAZA_BASE_URL.rstrip('/')}/events/{event.pk}/")
        cal.add_component(component)
    entries = Entry.objects.filter(entries_q(user)).filter(
        Q(rrule="", ends_at__gt=start) | (~Q(rrule="") & (Q(repeats_until__isnull=True) | Q(repeats_until__gt=start)))
    ).order_by("starts_at", "pk")[:MAX_ITEMS]
    from icalendar import vRecur

    for entry in entries:
        tz = ZoneInfo(entry.timezone)
        component = VEvent()
        component.add("uid", f"entry-{entry.pk}@plaza")
        component.add("summary", entry.title)
        component.add("dtstamp", entry.created)
        component.add("dtstart", entry.starts_at.astimezone(tz))
        component.add("dtend", entry.ends_at.astimezone(tz))
        if entry.rrule:
            component.add("rrule", vRecur.from_ical(entry.rrule))
        cal.add_component(component)
    cal.add_missing_timezones()
    return cal.to_ical()
