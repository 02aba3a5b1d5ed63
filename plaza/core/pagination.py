"""Keyset (cursor) pagination on ``(created DESC, id DESC)`` columns."""

from __future__ import annotations

import base64
import json
from datetime import datetime
from typing import Any, TypeVar

from django.db.models import Model, Q, QuerySet
from django.utils.translation import gettext as _

from plaza.core.errors import Invalid
from plaza.core.validation import INT64_MAX, year_in_bounds

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


# A cursor is one of ours (an ISO date-time and an id, base64): anything longer is not.
MAX_CURSOR_LEN = 200


def decode_cursor(cursor: str) -> tuple[datetime, int]:
    """The (date-time, id) of a cursor made by ``encode_cursor``; 422 naming ``cursor`` for
    anything else (too long, not base64 or JSON, nested, an id beyond 64 bits, a year
    outside 1900–2200)."""
    invalid = Invalid(_("The cursor is not valid."), field="cursor")
    if len(cursor) > MAX_CURSOR_LEN:
        raise invalid
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        decoded = json.loads(raw)
        if not isinstance(decoded, list) or len(decoded) != 2:
            raise invalid
        created, pk = decoded
        if not isinstance(created, str) or not isinstance(pk, int) or isinstance(pk, bool):
            raise invalid
        when = datetime.fromisoformat(created)
    except (ValueError, TypeError, RecursionError) as exc:
        raise invalid from exc
    if not 0 < pk <= INT64_MAX or not year_in_bounds(when):
        raise invalid
    return when, pk


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
