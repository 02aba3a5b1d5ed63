from __future__ import annotations

from datetime import datetime

from ninja import Schema
from pydantic import Field

from plaza.core.schemas import UserOut


class TargetOut(Schema):
    type: str
    id: int | None
    url: str | None


class NotificationOut(Schema):
    id: int
    kind: str
    created_at: datetime
    read: bool
    available: bool
    actor: UserOut | None
    target: TargetOut | None
    text: str


class NotificationList(Schema):
    items: list[NotificationOut]
    next_cursor: str | None


class CountOut(Schema):
    count: int


class NotificationReadIn(Schema):
    ids: list[int] | None = None
    all: bool = False


class SettingsOut(Schema):
    modes: dict[str, str] = Field(description="Email per kind: immediate, digest or off.")
    muted_spaces: list[int]
    muted_teams: list[int]


class SettingsIn(Schema):
    modes: dict[str, str] | None = None
    muted_spaces: list[int] | None = None
    muted_teams: list[int] | None = None
