"""Reads of exports."""

from __future__ import annotations

from typing import Any

from plaza.exports.models import Export, ExportKind
from plaza.spaces.access import SpaceAccess

MAX_LISTED = 20


def list_space_exports(acc: SpaceAccess) -> list[Export]:
    """The latest exports of ``acc.space`` (for its admins' page)."""
    return list(
        Export.objects.filter(space=acc.space, kind=ExportKind.SPACE)
        .select_related("requested_by")
        .order_by("-created", "-id")[:MAX_LISTED]
    )


def list_personal_exports(user: Any) -> list[Export]:
    """The person's own latest personal exports."""
    return list(Export.objects.filter(requested_by=user, kind=ExportKind.PERSONAL).order_by("-created", "-id")[:MAX_LISTED])
