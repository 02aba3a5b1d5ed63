"""Checks of untrusted input shared by every entry point.

Free text: no NUL (PostgreSQL cannot store it) and no lone surrogate (UTF-8 cannot encode it:
a page showing one fails for everyone), normalised to NFC so one word is stored one way.
Numbers: within their database column. Dates: within years 1900–2200, so a stored instant
survives every time-zone shift, PostgreSQL and SQLite alike, and ``dumpdata``.

``core.guard.InputGuardMiddleware`` applies the text and 64-bit integer rules to every
path, query string and JSON or form body under /api/ before any route runs; ``check_text``
and ``check_datetime`` are what the apps' ``check_*`` functions call, for forms and the API.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime
from typing import Any

from django.utils.translation import gettext as _

from plaza.core.errors import Invalid

INT64_MAX = 2**63 - 1
INT32_MAX = 2**31 - 1
MIN_YEAR, MAX_YEAR = 1900, 2200

_FORBIDDEN = re.compile("[\x00\ud800-\udfff]")


def text_problem(value: str) -> str | None:
    """Why ``value`` cannot be stored, or None."""
    found = _FORBIDDEN.search(value)
    if found is None:
        return None
    if found.group() == "\x00":
        return _("NUL characters are not allowed.")
    return _("Invalid characters (a lone surrogate) are not allowed.")


def clean_text(value: str, *, field: str) -> str:
    """``value`` in NFC; 422 naming ``field`` when it holds NUL or a lone surrogate."""
    problem = text_problem(value)
    if problem is not None:
        raise Invalid(problem, field=field)
    return unicodedata.normalize("NFC", value)


def check_text(value: str | None, *, field: str, max_len: int, required: str | bool = False) -> str:
    """``value`` cleaned (see ``clean_text``) and stripped; 422 naming ``field`` when it is
    longer than ``max_len``, or empty while ``required`` (True, or the message to give:
    "Give the blog a title.")."""
    value = clean_text(value or "", field=field).strip()
    if required and not value:
        raise Invalid(required if isinstance(required, str) else _("Write something first."), field=field)
    if len(value) > max_len:
        raise Invalid(_("At most %(n)d characters.") % {"n": max_len}, field=field)
    return value


def year_in_bounds(value: date) -> bool:
    return MIN_YEAR <= value.year <= MAX_YEAR


def date_bound_message() -> str:
    return _("Give a date between the years %(min)d and %(max)d.") % {"min": MIN_YEAR, "max": MAX_YEAR}


def check_datetime(value: Any, *, field: str) -> Any:
    """``value`` (a date, a datetime or None) unchanged; 422 naming ``field`` outside the
    years 1900–2200."""
    if isinstance(value, date) and not year_in_bounds(value):
        raise Invalid(date_bound_message(), field=field)
    return value


def bounded_datetime(value: datetime) -> datetime:
    """A pydantic after-validator: see ``core.schemas.DateTimeIn``."""
    if not year_in_bounds(value):
        raise ValueError(f"Give a date between the years {MIN_YEAR} and {MAX_YEAR}.")
    return value
