"""Schemas shared by every app's API."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from ninja import Schema
from pydantic import AfterValidator, Field

from plaza.core.validation import INT32_MAX, INT64_MAX, bounded_datetime


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


# Input types that keep values within what the database stores (core/validation.py).
DateTimeIn = Annotated[datetime, AfterValidator(bounded_datetime)]
"""A date-time between the years 1900 and 2200; use it for every date-time a client sends."""

Int32 = Annotated[int, Field(ge=-INT32_MAX - 1, le=INT32_MAX)]
"""An integer stored in a 32-bit column (IntegerField, PositiveIntegerField)."""

Int64 = Annotated[int, Field(ge=-INT64_MAX - 1, le=INT64_MAX)]
"""An id or other integer stored in a 64-bit column, for query parameters."""
