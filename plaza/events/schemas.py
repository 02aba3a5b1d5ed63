from __future__ import annotations

from datetime import datetime

from ninja import Schema
from pydantic import Field

from plaza.core.schemas import DateTimeIn, Int32, UserOut
from plaza.events.models import MAX_DESCRIPTION, MAX_TITLE


class EventIn(Schema):
    title: str = Field(description=f"At most {MAX_TITLE} characters.")
    description: str = Field("", description=f"Markdown, at most {MAX_DESCRIPTION} characters.")
    starts_at: DateTimeIn = Field(description="ISO 8601; without an offset it is read in `timezone`.")
    ends_at: DateTimeIn = Field(description="After `starts_at`.")
    timezone: str | None = Field(None, description="IANA name (Asia/Shanghai); the creator's own by default.")
    all_day: bool = False
    location: str = ""
    online_url: str = ""
    capacity: Int32 | None = Field(None, description="Seats; null for no limit. At least 1.")
    enrollment: str = Field("open", description="open | approval | invite")
    registration_deadline: DateTimeIn | None = Field(None, description="Not after `starts_at`.")
    team_id: int | None = Field(None, description="The audience: one team, or the whole space when null.")
    invitee_ids: list[int] = Field(default_factory=list, description="People invited (for invite events).")


class EventPatch(Schema):
    title: str | None = None
    description: str | None = None
    starts_at: DateTimeIn | None = None
    ends_at: DateTimeIn | None = None
    timezone: str | None = None
    all_day: bool | None = None
    location: str | None = None
    online_url: str | None = None
    capacity: Int32 | None = None
    enrollment: str | None = None
    registration_deadline: DateTimeIn | None = None
    invitee_ids: list[int] | None = Field(None, description="People to invite as well.")


class EventOut(Schema):
    id: int
    space: str = Field(description="The space's slug.")
    team_id: int | None
    title: str
    description: str
    html: str
    starts_at: datetime
    ends_at: datetime
    timezone: str
    all_day: bool
    location: str
    online_url: str
    capacity: int | None
    enrollment: str
    registration_deadline: datetime | None
    state: str = Field(description="scheduled | cancelled")
    organiser: UserOut
    going_count: int
    waitlist_count: int
    my_status: str | None = Field(description="going | maybe | declined | waitlist | pending | invited, or null")
    can_manage: bool
    created_at: datetime


class EventList(Schema):
    items: list[EventOut]
    next_cursor: str | None


class RsvpIn(Schema):
    status: str = Field(description="going | maybe | declined")


class RsvpOut(Schema):
    status: str = Field(description="going | maybe | declined | waitlist | pending")


class AttendeeOut(Schema):
    user: UserOut
    status: str
    responded_at: datetime | None


class AttendeeList(Schema):
    items: list[AttendeeOut]
    next_cursor: str | None
