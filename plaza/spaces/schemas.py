from __future__ import annotations

from datetime import datetime
from typing import Any

from ninja import Schema
from pydantic import Field

from plaza.core.schemas import DateTimeIn, Int32, UserOut


class SpaceIn(Schema):
    name: str = Field(max_length=100)
    slug: str = Field(max_length=64)
    description: str = Field(default="", max_length=2000)
    visibility: str = "private"
    join_policy: str = "invite"
    parent: str | int | None = Field(default=None, description="The parent space's slug or id.")


class SpacePatch(Schema):
    name: str | None = None
    slug: str | None = None
    description: str | None = None
    visibility: str | None = None
    join_policy: str | None = None
    apps: list[str] | None = Field(None, description="The apps to keep on (feed, announcements, events, polls, blogs, headlines, groups, calls, showcase, cases); the others are turned off.")


class SpaceOut(Schema):
    id: int
    slug: str
    name: str
    description: str
    visibility: str
    join_policy: str
    parent: str | None = Field(description="The parent space's slug.")
    parent_id: int | None
    my_role: str | None
    logo_url: str | None = None
    apps: list[str] = Field(default_factory=list, description="The apps that are on in the space.")


class SpaceList(Schema):
    items: list[SpaceOut]
    next_cursor: str | None = None


class MemberOut(Schema):
    user: UserOut
    role: str
    joined_at: datetime


class MemberList(Schema):
    items: list[MemberOut]
    next_cursor: str | None


class RoleIn(Schema):
    role: str


class TransferIn(Schema):
    user_id: int


class InvitationIn(Schema):
    email: str | None = Field(default=None, max_length=254)
    role: str = "member"
    max_uses: Int32 | None = None
    expires_at: DateTimeIn | None = None


class InvitationOut(Schema):
    id: int
    code: str
    url: str
    email: str
    role: str
    max_uses: int | None
    uses: int
    expires_at: datetime | None
    created_at: datetime


class InvitationList(Schema):
    items: list[InvitationOut]
    next_cursor: str | None = None


class JoinIn(Schema):
    message: str = Field(default="", max_length=500)


class JoinOut(Schema):
    status: str


class JoinRequestOut(Schema):
    id: int
    user: UserOut
    message: str
    status: str
    created_at: datetime


class JoinRequestList(Schema):
    items: list[JoinRequestOut]
    next_cursor: str | None


class TeamIn(Schema):
    name: str = Field(max_length=100)
    description: str = Field(default="", max_length=2000)
    visibility: str = "public"


class TeamPatch(Schema):
    name: str | None = None
    description: str | None = None
    visibility: str | None = None


class TeamOut(Schema):
    id: int
    name: str
    description: str
    visibility: str
    is_member: bool = False


class TeamList(Schema):
    items: list[TeamOut]
    next_cursor: str | None = None


class TeamMemberIn(Schema):
    user_id: int
    role: str = "member"


class TeamMemberOut(Schema):
    user: UserOut
    role: str


class TeamMemberList(Schema):
    items: list[TeamMemberOut]
    next_cursor: str | None


class AuditOut(Schema):
    id: int
    actor: UserOut | None
    action: str
    target_type: str
    target_id: int | None
    before: Any
    after: Any
    created_at: datetime


class AuditList(Schema):
    items: list[AuditOut]
    next_cursor: str | None


class ImportResultRow(Schema):
    row: int
    email: str
    result: str
    error: str


class MemberImportOut(Schema):
    id: int
    status: str
    total: int
    processed: int
    results: list[ImportResultRow]
