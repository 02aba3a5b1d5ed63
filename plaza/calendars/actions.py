"""Every write of the calendar: entries, the secret feed and .ics import.

Each ``do_*`` runs in one transaction after validating its input (``check_*``).
"""

from __future__ import annotations

import itertools
import secrets
from datetime import MAXYEAR, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from dateutil.rrule import MINUTELY, SECONDLY, rrule, rrulestr
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from plaza.calendars.models import MAX_TITLE, Entry, Feed
from plaza.core.errors import Forbidden, Invalid, NotAuthenticated, NotFound
from plaza.core.uploads import TooLarge
from plaza.core.validation import check_datetime
from plaza.events.actions import check_timezone
from plaza.spaces.access import access_team_by_id

MAX_COUNT = 5000  # COUNT= of a recurrence rule
MAX_IMPORT_BYTES = 1024 * 1024
MAX_IMPORT_EVENTS = 1000
MAX_DURATION = timedelta(days=366)


def _require_user(user: Any) -> Any:
    if not getattr(user, "is_authenticated", False):
        raise NotAuthenticated()
    return user


def parse_rrule(value: str, dtstart: datetime) -> rrule:
    """The dateutil rule of an RRULE value (with or without the ``RRULE:`` prefix)."""
    text = value.strip()
    if text.upper().startswith("RRULE:"):
        text = text[6:]
    return rrulestr(text, dtstart=dtstart)


MIN_GAP = timedelta(minutes=15)  # occurrences of one rule are at least this far apart
HORIZON_YEARS = 5  # a rule must happen within this many years
COUNT_YEARS = 50  # how far on the last occurrence of a COUNT rule is looked for
SAMPLE = 2000  # occurrences examined for the gap


def _shift_years(value: datetime, years: int) -> datetime:
    return value.replace(year=value.year + years)


def _probe(rule: rrule, dtstart: datetime, years: int) -> tuple[rrule, int]:
    """``rule``'s first ``years`` years (COUNT dropped: slice it), as a rule moved whole
    400-year cycles on toward the year 9999, and how many years it was moved.

    dateutil stops a rule that matches nothing only at the year 9999, stepping through
    every day until then (2.8 s for FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30, 4.6 s hourly). The
    Gregorian calendar repeats every 400 years (weekdays, leap years, week numbers), so the
    moved rule has the same occurrences, shifted, and such a walk ends within ~400 years
    (0.1–0.2 s); a rule that does match stops at the cut-off ``years`` on.
    """
    shift = max(0, (MAXYEAR - years - dtstart.year) // 400) * 400
    start = _shift_years(dtstart, shift)
    stop = start + timedelta(days=366 * years)
    until = rule._until  # noqa: SLF001
    if until is not None and until.year + shift <= MAXYEAR:
        stop = min(stop, _shift_years(until, shift))
    return rule.replace(dtstart=start, until=stop, count=None), shift


def check_rrule(value: str | None, dtstart: datetime) -> tuple[str, datetime | None]:
    """A recurrence rule cleaned (``FREQ=...;...``), and when its last occurrence starts
    (None: never ends, or not within COUNT_YEARS). 422 on ``rrule`` for anything dateutil cannot
    read, a rule set, ``BYSECOND``, occurrences less than MIN_GAP apart, more than
    MAX_COUNT occurrences, or no occurrence within HORIZON_YEARS. The work is bounded whatever
    the rule (issue 18, item 6)."""
    text = (value or "").strip()
    if not text:
        return "", None
    if text.upper().startswith("RRULE:"):
        text = text[6:].strip()
    if len(text) > 500 or "\n" in text or "DTSTART" in text.upper() or "FREQ=" not in text.upper():
        raise Invalid(_("Give one RRULE, such as FREQ=WEEKLY;BYDAY=MO."), field="rrule")
    if "BYSECOND" in text.upper():
        raise Invalid(_("Occurrences are at least 15 minutes apart: BYSECOND is not allowed."), field="rrule")
    try:
        rule = parse_rrule(text, dtstart)
    except (ValueError, TypeError, KeyError, IndexError, OverflowError) as exc:
        raise Invalid(_("This recurrence rule is not valid: %(error)s") % {"error": exc}, field="rrule") from exc
    if not isinstance(rule, rrule):
        raise Invalid(_("Give one RRULE, such as FREQ=WEEKLY;BYDAY=MO."), field="rrule")
    if rule._freq in (SECONDLY, MINUTELY):  # noqa: SLF001 — dateutil exposes no public getter
        raise Invalid(_("Repeat at most hourly."), field="rrule")
    count, until = rule._count, rule._until  # noqa: SLF001
    if count is not None and count > MAX_COUNT:
        raise Invalid(_("At most %(n)d occurrences.") % {"n": MAX_COUNT}, field="rrule")
    try:
        probe, _shift = _probe(rule, dtstart, HORIZON_YEARS)
        sample = list(itertools.islice(probe, min(SAMPLE, count or SAMPLE)))
    except (ValueError, OverflowError) as exc:
        raise Invalid(_("This recurrence rule is not valid: %(error)s") % {"error": exc}, field="rrule") from exc
    if not sample:
        raise Invalid(_("This rule never happens."), field="rrule")
    if any(b - a < MIN_GAP for a, b in itertools.pairwise(sample)):
        raise Invalid(_("Occurrences are at least 15 minutes apart."), field="rrule")
    last: datetime | None = None
    if count is not None:
        # The COUNT-th occurrence, looked for within COUNT_YEARS; beyond: no known end.
        probe, shift = _probe(rule, dtstart, COUNT_YEARS)
        counted = list(itertools.islice(probe, count))
        last = _shift_years(counted[-1], -shift) if len(counted) == count else None
    elif until is not None:
        last = max(until, dtstart)  # no later than UNTIL: enough to bound the reads
    return text.upper(), last


def _aware(value: datetime, tz: ZoneInfo) -> datetime:
    return value.replace(tzinfo=tz) if timezone.is_naive(value) else value


def check_entry(
    *, title: str, starts_at: datetime | None, ends_at: datetime | None, timezone_name: str, rrule_text: str | None
) -> dict[str, Any]:
    title = (title or "").strip()
    if not title:
        raise Invalid(_("Give the entry a title."), field="title")
    if len(title) > MAX_TITLE:
        raise Invalid(_("At most %(n)d characters.") % {"n": MAX_TITLE}, field="title")
    tz_name = check_timezone(timezone_name)
    tz = ZoneInfo(tz_name)
    if starts_at is None:
        raise Invalid(_("Give a start time."), field="starts_at")
    if ends_at is None:
        raise Invalid(_("Give an end time."), field="ends_at")
    check_datetime(starts_at, field="starts_at")
    check_datetime(ends_at, field="ends_at")
    starts_at, ends_at = _aware(starts_at, tz), _aware(ends_at, tz)
    if ends_at <= starts_at:
        raise Invalid(_("The end must be after the start."), field="ends_at")
    if ends_at - starts_at > MAX_DURATION:
        raise Invalid(_("An entry lasts at most a year."), field="ends_at")
    # Occurrences repeat the wall-clock time of the entry's own time zone (DST-safe).
    rule, repeats_until = check_rrule(rrule_text, starts_at.astimezone(tz))
    return {"title": title, "starts_at": starts_at, "ends_at": ends_at, "timezone": tz_name, "rrule": rule,
            "repeats_until": repeats_until}


@transaction.atomic
def do_create_entry(
    user: Any, *, title: str, starts_at: datetime, ends_at: datetime, rrule: str | None = None,
    team_id: int | None = None, timezone_name: str | None = None, all_day: bool = False,
) -> Entry:
    """A private entry, or with ``team_id`` an entry of that team's schedule (its members and
    the space's admins add them; the team's members see them)."""
    _require_user(user)
    values = check_entry(title=title, starts_at=starts_at, ends_at=ends_at,
                         timezone_name=timezone_name or getattr(user, "timezone", "") or "UTC", rrule_text=rrule)
    space = team = None
    if team_id is not None:
        try:
            acc, team, team_membership = access_team_by_id(user, team_id)
        except NotFound as exc:
            raise Invalid(_("No such team."), field="team_id") from exc
        if team_membership is None and not acc.is_admin:
            raise Forbidden(_("Join the team to add to its schedule."))
        space = acc.space
    return Entry.objects.create(owner=user, space=space, team=team, all_day=all_day, **values)


@transaction.atomic
def do_delete_entry(user: Any, entry: Entry) -> None:
    """Its owner deletes an entry (``entry`` comes from ``queries.get_my_entry``)."""
    if entry.owner_id != getattr(user, "pk", None):
        raise Forbidden()
    entry.delete()


# --- the secret feed ----------------------------------------------------------------------


@transaction.atomic
def do_get_or_create_feed(user: Any) -> Feed:
    _require_user(user)
    feed, _created = Feed.objects.get_or_create(user=user, defaults={"nonce": secrets.token_urlsafe(32)})
    return feed


@transaction.atomic
def do_rotate_feed(user: Any) -> Feed:
    """A new secret: every URL given out before stops working at once."""
    _require_user(user)
    feed, created = Feed.objects.select_for_update().get_or_create(user=user, defaults={"nonce": secrets.token_urlsafe(32)})
    if not created:
        feed.nonce = secrets.token_urlsafe(32)
        feed.rotated_at = timezone.now()
        feed.save(update_fields=["nonce", "rotated_at"])
    return feed


# --- import -------------------------------------------------------------------------------


def _as_datetime(value: Any, tz: ZoneInfo) -> tuple[datetime, bool]:
    """A DTSTART/DTEND value as an aware datetime, and whether it was a whole date."""
    if isinstance(value, datetime):
        return _aware(value, tz), False
    if isinstance(value, date):
        return datetime.combine(value, time(), tzinfo=tz), True
    raise ValueError("not a date or time")


def parse_ics(data: bytes, *, default_tz: str) -> list[dict[str, Any]]:
    """The entries of an iCalendar file, validated; 422 on ``file`` naming what is wrong."""
    from icalendar import Calendar

    if len(data) > MAX_IMPORT_BYTES:
        raise TooLarge(_("An .ics file may be at most %(n)d KB.") % {"n": MAX_IMPORT_BYTES // 1024})
    try:
        text = data.decode("utf-8-sig")
        calendar = Calendar.from_ical(text)
    except (ValueError, UnicodeDecodeError, KeyError, IndexError, TypeError) as exc:
        raise Invalid(_("This is not a valid iCalendar (.ics) file: %(error)s") % {"error": exc}, field="file") from exc
    if getattr(calendar, "name", "") != "VCALENDAR":
        raise Invalid(_("This is not a valid iCalendar (.ics) file: it has no VCALENDAR."), field="file")
    components = calendar.walk("VEVENT")
    if len(components) > MAX_IMPORT_EVENTS:
        raise Invalid(_("At most %(n)d events per file.") % {"n": MAX_IMPORT_EVENTS}, field="file")
    tz_name = check_timezone(default_tz)
    tz = ZoneInfo(tz_name)
    out = []
    for number, component in enumerate(components, start=1):
        try:
            if "DTSTART" not in component:
                raise ValueError("no DTSTART")
            starts_at, all_day = _as_datetime(component.decoded("DTSTART"), tz)
            if "DTEND" in component:
                ends_at, _whole = _as_datetime(component.decoded("DTEND"), tz)
            elif "DURATION" in component:
                ends_at = starts_at + component.decoded("DURATION")
            else:
                ends_at = starts_at + (timedelta(days=1) if all_day else timedelta(hours=1))
            rule = component.get("RRULE")
            rule_text = rule.to_ical().decode() if rule is not None else ""
            title = str(component.get("SUMMARY", "") or "").strip()[:MAX_TITLE] or _("(no title)")
            event_tz = getattr(starts_at.tzinfo, "key", None) or tz_name
            values = check_entry(title=title, starts_at=starts_at, ends_at=ends_at, timezone_name=event_tz,
                                 rrule_text=rule_text)
        except Invalid as exc:
            raise Invalid(_("Event %(n)d: %(error)s") % {"n": number, "error": exc.message()}, field="file") from exc
        except (ValueError, TypeError, KeyError, AttributeError) as exc:
            raise Invalid(_("Event %(n)d is not valid: %(error)s") % {"n": number, "error": exc}, field="file") from exc
        values["all_day"] = all_day
        values["uid"] = str(component.get("UID", ""))[:255]
        out.append(values)
    return out


@transaction.atomic
def do_import_ics(user: Any, data: bytes) -> int:
    """Import every VEVENT of an .ics file into the user's private entries: all or nothing."""
    _require_user(user)
    rows = parse_ics(data, default_tz=getattr(user, "timezone", "") or "UTC")
    Entry.objects.bulk_create([Entry(owner=user, **values) for values in rows])
    return len(rows)
