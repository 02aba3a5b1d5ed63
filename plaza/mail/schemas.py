from __future__ import annotations

from datetime import datetime

from ninja import Schema
from pydantic import Field

from plaza.core.schemas import UserOut
from plaza.mail.models import MAX_BODY, MAX_SUBJECT


class MailIn(Schema):
    to: list[int] = Field(default_factory=list, description="User ids of people who share a space with the sender.")
    cc: list[int] = Field(default_factory=list)
    team_ids: list[int] = Field(default_factory=list, description="Teams the sender can see; expanded to their members at send time.")
    subject: str = Field(description=f"At most {MAX_SUBJECT} characters.")
    body: str = Field(description=f"Markdown, at most {MAX_BODY} characters.")
    private: bool = Field(False, description="Private mail cannot be forwarded.")
    reply_to: int | None = Field(None, description="A mail id: the reply keeps its thread.")
    attachment_ids: list[int] = Field(default_factory=list, description="Your own new uploads (POST /uploads), at most 9.")


class MailAttachmentOut(Schema):
    id: int
    name: str
    size: int
    content_type: str
    is_image: bool
    url: str


class SentOut(Schema):
    id: int
    thread_id: int


class ForwardIn(Schema):
    to: list[int]
    body: str = ""


class MoveIn(Schema):
    folder: str = Field(description="inbox, sent, archive or trash")


class MailSummaryOut(Schema):
    id: int
    thread_id: int
    subject: str
    from_: UserOut = Field(alias="from")
    to: list[UserOut]
    unread: bool
    folder: str
    private: bool
    created_at: datetime


class MailList(Schema):
    items: list[MailSummaryOut]
    next_cursor: str | None


class MailOut(Schema):
    id: int
    thread_id: int
    subject: str
    body: str
    html: str
    from_: UserOut = Field(alias="from")
    to: list[UserOut]
    cc: list[UserOut]
    unread: bool
    folder: str
    private: bool
    reply_to: int | None
    attachments: list[MailAttachmentOut]
    created_at: datetime


class ThreadOut(Schema):
    id: int
    subject: str
    messages: list[MailOut]
