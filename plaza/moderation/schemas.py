from __future__ import annotations

from datetime import datetime

from ninja import Schema
from pydantic import Field

from plaza.core.schemas import UserOut
from plaza.moderation.models import MAX_DETAILS, MAX_NOTE


class ReportIn(Schema):
    type: str = Field(description="post, comment, blog, message (a chat message), product, event or poll.")
    id: int = Field(description="The id of the thing reported.")
    reason: str = Field(description="spam, harassment, inappropriate, misinformation or other.")
    details: str = Field("", description=f"Free text for the moderators, at most {MAX_DETAILS} characters.")


class ReportCreatedOut(Schema):
    id: int


class ReportOut(Schema):
    id: int
    type: str
    target_id: int
    reason: str
    details: str
    reporter: UserOut
    status: str
    created_at: datetime
    excerpt: str
    outcome: str | None = None
    resolved_at: datetime | None = None


class ReportList(Schema):
    items: list[ReportOut]
    next_cursor: str | None = None


class ResolveIn(Schema):
    action: str = Field(description="dismiss, hide or delete; every open report of the same thing is resolved.")
    note: str = Field("", description=f"For the audit log, at most {MAX_NOTE} characters.")


class ResolveOut(Schema):
    id: int
    status: str
    action: str
    resolved: list[int] = Field(description="The ids of the reports resolved (all open reports of the thing).")
