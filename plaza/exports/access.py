"""Who may see an export: its requester for a personal one, the space's admins (as they
are now) for a space export. Missing and forbidden look the same: 404."""

from __future__ import annotations

from typing import Any

from plaza.core.errors import NotAuthenticated, NotFound, PlazaError
from plaza.exports.models import Export, ExportKind
from plaza.spaces.access import space_access_for


def _authenticated(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False))


def can_have_export(user: Any, export: Export) -> bool:
    if export.kind == ExportKind.PERSONAL:
        return export.requested_by_id == user.pk
    if export.space is None:
        return False  # the space was deleted
    try:
        acc = space_access_for(user, export.space)  # type: ignore[arg-type]
    except PlazaError:
        return False
    return acc.is_admin


def access_export(user: Any, export_id: int) -> Export:
    """The export ``export_id`` if ``user`` may have it (and it has not expired)."""
    if not _authenticated(user):
        raise NotAuthenticated()
    export = (
        Export.objects.select_related("space__parent__parent", "requested_by")
        .filter(
            pk=export_id,
        )
        .first()
    )
    if export is None or not can_have_export(user, export):
        raise NotFound()
    return export
