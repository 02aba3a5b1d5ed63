from __future__ import annotations

from datetime import datetime

from ninja import Schema
from pydantic import Field

from plaza.core.schemas import DateTimeIn


class CalendarItemOut(Schema):
    kind: str = Field(description="event | entry")
    id: int
    title: str
    starts_at: datetime
    ends_at: datetime
    space: str | None = Field(description="The space's slug; null for private entries.")
    team_id: int | None = None
    all_day: bool = False
    recurring: bool = False


class CalendarOut(Schema):
    items: list[CalendarItemOut]


class EntryIn(Schema):
    title: str
    starts_at: DateTimeIn
    ends_at: DateTimeIn
    rrule: str | None = Field(None, description="An RFC 5545 RRULE value, such as FREQ=WEEKLY;BYDAY=MO.")
    team_id: int | None = Field(None, description="Add to this team's schedule instead of my private entries.")
    timezone: str | None = Field(None, description="IANA name; my own time zone by default. Recurrences keep its wall-clock time.")


class EntryOut(Schema):
    id: int
    title: str
    starts_at: datetime
    ends_at: datetime
    timezone: str
    rrule: str
    team_id: int | None
    space: str | None


class FeedOut(Schema):
    url: str = Field(description="The secret .ics URL; anyone holding it reads the calendar.")


class CalendarImportOut(Schema):
    imported: int
