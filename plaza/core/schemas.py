"""Schemas shared by every app's API."""

from __future__ import annotations

from typing import Any

from ninja import Schema


class ErrorOut(Schema):
    detail: Any
    code: str


class UserOut(Schema):
    id: int
    name: str
    handle: str
    avatar_url: str | None = None


def errors(*statuses: int) -> dict[int, type[ErrorOut]]:
    """The error statuses a route can return, for its OpenAPI responses."""
    return {status: ErrorOut for status in statuses}
