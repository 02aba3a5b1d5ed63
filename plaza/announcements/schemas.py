from __future__ import annotations

from datetime import datetime

from ninja import Schema
from pydantic import Field

from plaza.announcements.models import MAX_BODY, MAX_TITLE
from plaza.core.schemas import DateTimeIn, UserOut


class AnnouncementIn(Schema):
    title: str = Field(description=f"At most {MAX_TITLE} characters.")
    body: str = Field("", description=f"Markdown, at most {MAX_BODY} characters; rendered and sanitized.")
    category: str | None = Field(None, description="A category name of the space; made the first time it is used.")
    team_ids: list[int] = Field(default_factory=list, description="Teams it is addressed to.")
    user_ids: list[int] = Field(default_factory=list, description="People it is addressed to. Neither: the whole space.")
    require_ack: bool = False
    pinned_until: DateTimeIn | None = None


class AnnouncementPatch(Schema):
    title: str | None = None
    body: str | None = None
    category: str | None = None
    require_ack: bool | None = None
    pinned_until: DateTimeIn | None = Field(None, description="null unpins.")


class AnnouncementOut(Schema):
    id: int
    title: str
    body: str
    html: str
    author: UserOut
    space: str
    category: str | None
    team_ids: list[int]
    user_ids: list[int]
    require_ack: bool
    pinned_until: datetime | None
    status: str
    created_at: datetime
    edited_at: datetime | None
    is_recipient: bool
    read_by_me: bool
    acknowledged_by_me: bool
    recipient_count: int | None = Field(description="Admins only.")
    read_count: int | None = Field(description="Admins only.")


class AnnouncementList(Schema):
    items: list[AnnouncementOut]
    next_cursor: str | None


class AnnouncementReadOut(Schema):
    read_by_me: bool
    acknowledged_by_me: bool


class ReceiptOut(Schema):
    user: UserOut
    read_at: datetime
    acknowledged_at: datetime | None


class ReceiptsOut(Schema):
    read: list[ReceiptOut]
    unread: list[UserOut]
    read_count: int
    unread_count: int


class RemindOut(Schema):
    reminded: int
