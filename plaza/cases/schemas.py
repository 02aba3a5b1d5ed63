from __future__ import annotations

from datetime import datetime
from typing import Any

from ninja import Schema
from pydantic import Field

from plaza.core.schemas import UserOut


class CaseFieldSpec(Schema):
    key: str
    label: str
    type: str = "text"
    required: bool = False
    choices: list[str] | None = None


class CaseTypeIn(Schema):
    name: str
    description: str = ""
    fields: list[dict[str, Any]]
    submitters: str = "members"
    reviewer_team_id: int | None = None
    outcomes: list[str]
    due_days: dict[str, int] | None = None


class CaseTypeOut(Schema):
    id: int
    name: str
    description: str
    fields: list[CaseFieldSpec]
    submitters: str
    reviewer_team_id: int | None
    outcomes: list[str]
    due_days: dict[str, int]


class CaseTypeList(Schema):
    items: list[CaseTypeOut]
    next_cursor: str | None = None


UPLOAD_CODES = (
    "Signed out only: upload id -> the claim_code POST /uploads (with case_type_id) returned for it. "
    "Every signed-out upload named here must come with its code."
)


class CaseIn(Schema):
    case_type_id: int
    values: dict[str, Any] = Field(description="Field key -> value; image and file fields take an upload id or a list.")
    contact_email: str | None = Field(default=None, max_length=254)
    upload_codes: dict[str, str] | None = Field(default=None, description=UPLOAD_CODES)


class CaseCreatedOut(Schema):
    number: str
    access_code: str = Field(description="Shown once; keep it to look the case up.")
    status: str


class LookupFileOut(Schema):
    id: int
    name: str
    size: int
    content_type: str
    is_image: bool
    url: str = Field(description="A signed link for the submitter, valid for a few hours; no access code in it.")


class TimelineEntryOut(Schema):
    at: datetime
    kind: str
    status: str
    note: str
    attachments: list[LookupFileOut] = []


class LookupValueOut(Schema):
    key: str
    label: str
    type: str
    value: Any = None
    files: list[LookupFileOut] | None = None


class LookupOut(Schema):
    number: str
    status: str
    outcome: str
    case_type: str
    created_at: datetime
    values: list[LookupValueOut] = Field(description="What the submitter filled in, images and files as links.")
    timeline: list[TimelineEntryOut]


class LookupReplyIn(Schema):
    number: str
    code: str
    body: str
    attachment_ids: list[int] | None = None
    upload_codes: dict[str, str] | None = Field(default=None, description=UPLOAD_CODES)


class LookupCodeIn(Schema):
    number: str
    code: str


class CaseEventOut(Schema):
    id: int
    at: datetime
    kind: str
    status: str
    body: str
    public: bool
    actor: UserOut | None
    data: dict[str, Any]


class CaseOut(Schema):
    number: str
    space: str
    case_type_id: int
    case_type: str
    status: str
    outcome: str
    values: dict[str, Any]
    contact_email: str
    assignee: UserOut | None
    submitted_by: UserOut | None
    due_at: datetime | None
    overdue: bool
    created_at: datetime
    updated_at: datetime
    timeline: list[CaseEventOut] | None = None


class CaseList(Schema):
    items: list[CaseOut]
    next_cursor: str | None


class TransitionIn(Schema):
    to: str
    outcome: str | None = None
    note: str | None = None


class NoteIn(Schema):
    body: str
    public: bool = False
    attachment_ids: list[int] | None = Field(
        default=None, description="Your own new uploads; the submitter sees them in the lookup when the note is public."
    )


class AssignIn(Schema):
    user_id: int | None


class StatsOut(Schema):
    total: int
    by_status: dict[str, int]
    by_outcome: dict[str, int]
    overdue: int
    average_handling_seconds: int | None
