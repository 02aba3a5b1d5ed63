from __future__ import annotations

from datetime import datetime

from ninja import Schema


class ExportQueued(Schema):
    id: int


class ExportOut(Schema):
    id: int
    kind: str
    space: str | None
    status: str
    progress: int  # percent
    created_at: datetime
    expires_at: datetime
    size: int | None = None
    url: str | None = None  # the zip, once done: the same bearer token or session downloads it
