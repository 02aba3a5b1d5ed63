"""Keyset (cursor) pagination on ``(created DESC, id DESC)`` columns."""

from __future__ import annotations

import base64
import json
from datetime import datetime
from typing import Any, TypeVar

from django.db.models import Model, Q, QuerySet
from django.utils.translation import gettext as _

from plaza.core.errors import Invalid

M = TypeVar("M", bound=Model)

DEFAULT_LIMIT = 20
MAX_LIMIT = 100


def clamp_limit(limit: int | None) -> int:
    if limit is None:
        return DEFAULT_LIMIT
    if limit < 1 or limit > MAX_LIMIT:
        raise Invalid(f"limit must be between 1 and {MAX_LIMIT}", field="limit")
    return limit


def encode_cursor(created: datetime, pk: int) -> str:
    raw = json.dumps([created.isoformat(), pk]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[datetime, int]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        created, pk = json.loads(raw)
        return datetime.fromisoformat(created), int(pk)
    except (ValueError, TypeError) as exc:
        raise Invalid(_("The cursor is not valid."), field="cursor") from exc


def keyset_page(
    qs: QuerySet[M], *, cursor: str | None, limit: int | None, created_field: str = "created"
) -> tuple[list[M], str | None]:
    """One page of ``qs``, newest first, and the cursor of the next page (or None)."""
    size = clamp_limit(limit)
    if cursor:
        created, pk = decode_cursor(cursor)
        qs = qs.filter(Q(**{f"{created_field}__lt": created}) | Q(**{created_field: created, "pk__lt": pk}))
    rows = list(qs.order_by(f"-{created_field}", "-pk")[: size + 1])
    next_cursor = None
    if len(rows) > size:
        rows = rows[:size]
        last: Any = rows[-1]
        next_cursor = encode_cursor(getattr(last, created_field), last.pk)
    return rows, next_cursor
