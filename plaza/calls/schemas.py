from __future__ import annotations

from typing import Any

from ninja import Schema
from pydantic import Field


class CallIn(Schema):
    participant_ids: list[int] = Field(
        default_factory=list, description="Whom to ring. From a group, empty means every other member."
    )


class CallOut(Schema):
    id: int
    space: str
    group_id: int | None
    started_by: dict[str, Any]
    started_at: str
    ended_at: str | None
    active: bool
    participants: list[dict[str, Any]]
    ice_servers: list[dict[str, Any]] = Field(description="RTCIceServer objects (PLAZA_ICE_SERVERS).")
    url: str
