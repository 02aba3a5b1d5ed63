from __future__ import annotations

from datetime import datetime

from ninja import Schema
from pydantic import Field

from plaza.chat.models import MAX_MESSAGE
from plaza.core.schemas import Int64, UserOut


class GroupIn(Schema):
    name: str
    member_ids: list[int] = Field(default_factory=list, description="People of the space (any role, guests too).")


class GroupPatch(Schema):
    name: str


class GroupMemberIn(Schema):
    user_id: int
    role: str = Field("member", description="member or admin")


class GroupMemberOut(Schema):
    user: UserOut
    role: str


class GroupOut(Schema):
    id: int
    name: str
    kind: str = Field(description="group (a discussion group) or direct (a one-to-one chat).")
    space: str = Field(description="The space's slug.")
    members: list[GroupMemberOut]
    my_role: str
    unread: int
    created_at: datetime


class GroupSummaryOut(Schema):
    id: int
    name: str
    my_role: str
    unread: int
    member_count: int
    last_message_id: int | None
    created_at: datetime


class GroupList(Schema):
    items: list[GroupSummaryOut]
    next_cursor: str | None


class MessageIn(Schema):
    body: str = Field("", description=f"Markdown, at most {MAX_MESSAGE} characters; @handle mentions members.")
    attachment_ids: list[int] = Field(default_factory=list, description="Your own new uploads (POST /uploads), at most 9.")


class MessagePatch(Schema):
    body: str


class MessageAttachmentOut(Schema):
    id: int
    name: str
    size: int
    content_type: str
    is_image: bool
    url: str


class MessageOut(Schema):
    id: int
    group_id: int
    body: str
    html: str
    author: UserOut
    created_at: datetime
    edited: bool
    edited_at: datetime | None
    call_record: bool
    attachments: list[MessageAttachmentOut]
    hidden: bool = Field(False, description="Hidden by moderators: only the space's admins and the author see it.")


class MessageList(Schema):
    items: list[MessageOut]
    next_cursor: str | None = Field(description="Pass as ?before= for the next, older page.")


class GroupReadIn(Schema):
    message_id: int


class GroupReadOut(Schema):
    last_read_message_id: int
    unread: int


class DirectChatIn(Schema):
    user_id: Int64 = Field(description="Someone who shares a space with you.")


class ConversationSpaceOut(Schema):
    slug: str
    name: str


class ConversationLastOut(Schema):
    id: int
    author: UserOut
    preview: str = Field(description="The message's text, shortened; empty for files only.")
    created_at: datetime
    call_record: bool
    attachment_count: int


class ConversationOut(Schema):
    id: int = Field(description="The group's id: its messages are at /groups/{id}/messages.")
    kind: str = Field(description="direct or group")
    name: str = Field(description="The group's name, or the other person's name for a direct chat.")
    other: UserOut | None = Field(description="The other person of a direct chat.")
    space: ConversationSpaceOut
    unread: int
    last_message: ConversationLastOut | None
    activity_at: datetime = Field(description="The last message's time, or when the conversation began.")
    url: str


class ConversationList(Schema):
    items: list[ConversationOut]
    next_cursor: str | None
