"""Speaking to one person outside a request: emails, digests and other background work."""

from __future__ import annotations

import zoneinfo
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.conf import settings
from django.utils import timezone, translation


@contextmanager
def as_recipient(user: Any = None, *, language: str | None = None) -> Iterator[None]:
    """Render in the person's language and time zone (else ``language`` and the default zone).

    Every email and digest is rendered inside this, so its dates read as they do on the
    person's pages.
    """
    language = (
        (getattr(user, "language", "") or language or settings.LANGUAGE_CODE) if user else (language or settings.LANGUAGE_CODE)
    )
    zone_name = getattr(user, "timezone", "") or settings.PLAZA_TIME_ZONE
    try:
        zone = zoneinfo.ZoneInfo(zone_name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
        zone = zoneinfo.ZoneInfo(settings.PLAZA_TIME_ZONE)
    with translation.override(language), timezone.override(zone):
        yield
