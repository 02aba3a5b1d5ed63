"""Writes of exports: requesting one, writing it (from the task), and expiring it."""

from __future__ import annotations

import json
import logging
import secrets
import shutil
import tempfile
import zipfile
from datetime import datetime
from typing import Any

from django.core.files import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from plaza.core import audit
from plaza.core.errors import Conflict, Forbidden, PlazaError
from plaza.core.tasks import enqueue
from plaza.exports import collect
from plaza.exports.models import ACTIVE_STATUSES, EXPORT_TTL, GRAPH, Export, ExportKind, ExportStatus
from plaza.spaces.access import SpaceAccess, space_access_for

logger = logging.getLogger("plaza.exports")


def transition_export(export: Export, to: str, **fields: Any) -> Export:
    """Move ``export`` to ``to`` along the declared graph; 409 if another worker moved it first."""
    if to not in GRAPH[export.status]:
        raise Conflict(f"An export cannot go from {export.status} to {to}.")
    moved = Export.objects.filter(pk=export.pk, status=export.status).update(status=to, **fields)
    if not moved:
        raise Conflict("The export changed meanwhile.")
    export.status = to
    for name, value in fields.items():
        setattr(export, name, value)
    return export


def _queue(export: Export) -> Export:
    enqueue("exports.run_export", export.pk)
    return export


@transaction.atomic
def do_request_space_export(acc: SpaceAccess) -> Export:
    """Queue an export of ``acc.space`` for an admin; one already queued or running for the
    same admin is returned instead of a second."""
    if not acc.is_admin:
        raise Forbidden()
    running = Export.objects.filter(
        kind=ExportKind.SPACE, space=acc.space, requested_by=acc.user, status__in=ACTIVE_STATUSES
    ).first()
    if running is not None:
        return running
    now = timezone.now()
    export = Export.objects.create(
        kind=ExportKind.SPACE, space=acc.space, requested_by=acc.user, created=now, expires_at=now + EXPORT_TTL
    )
    audit.record(space=acc.space, actor=acc.user, action="space.export", target=export)
    return _queue(export)


@transaction.atomic
def do_request_personal_export(user: Any) -> Export:
    """Queue an export of everything ``user`` wrote and received (one at a time)."""
    running = Export.objects.filter(kind=ExportKind.PERSONAL, requested_by=user, status__in=ACTIVE_STATUSES).first()
    if running is not None:
        return running
    now = timezone.now()
    export = Export.objects.create(kind=ExportKind.PERSONAL, requested_by=user, created=now, expires_at=now + EXPORT_TTL)
    return _queue(export)


def _parts(export: Export) -> list[collect.Part]:
    if export.kind == ExportKind.PERSONAL:
        return collect.personal_parts(export.requested_by)
    # With the rights the admin has now: one who lost them exports nothing.
    try:
        acc = space_access_for(export.requested_by, export.space) if export.space else None
    except PlazaError:
        acc = None
    if acc is None or not acc.is_admin:
        raise Forbidden(gettext_noop("The requester is no longer an admin of the space."))
    return collect.space_parts(acc)


def _dump(doc: Any) -> str:
    return json.dumps(doc, ensure_ascii=False, indent=2, default=str)


def do_run_export(export_id: int) -> Export | None:
    """Write a queued export into its zip (from the task). Progress is saved after each part
    so the pages can show it; any error marks the export failed rather than retrying."""
    export = Export.objects.select_related("space__parent__parent", "requested_by").filter(pk=export_id).first()
    if export is None or export.status != ExportStatus.QUEUED:
        return export
    transition_export(export, ExportStatus.RUNNING)
    try:
        parts = _parts(export)
        total = len(parts) + 1  # the parts, then the files
        Export.objects.filter(pk=export.pk).update(total_steps=total)
        files = collect.Files()
        with tempfile.TemporaryFile() as tmp:
            with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as zf:
                for number, part in enumerate(parts, start=1):
                    zf.writestr(part.name, _dump(part.build(files)))
                    Export.objects.filter(pk=export.pk).update(done_steps=number)
                missing = _copy_files(zf, files)
                zf.writestr(
                    "manifest.json",
                    _dump(
                        {
                            "plaza:export": export.pk,
                            "plaza:kind": export.kind,
                            "plaza:space": export.space.slug if export.space else None,
                            "plaza:requestedBy": collect.person(export.requested_by),
                            "published": collect.when(timezone.now()),
                            "plaza:parts": [p.name for p in parts],
                            "plaza:files": sorted(set(files.refs) - set(missing)),
                            "plaza:missingFiles": missing,
                        }
                    ),
                )
            size = tmp.tell()
            tmp.seek(0)
            export.file.save(f"{secrets.token_urlsafe(24)}.zip", File(tmp), save=False)
        transition_export(
            export,
            ExportStatus.DONE,
            file=export.file.name,
            size=size,
            done_steps=total,
            total_steps=total,
            finished_at=timezone.now(),
        )
    except Exception as exc:  # noqa: BLE001 — any failure is the export's, shown on its page
        logger.exception("export %s failed", export.pk)
        export.refresh_from_db()
        if export.status in (ExportStatus.QUEUED, ExportStatus.RUNNING):
            # Kept in English and translated when shown (the task runs in no one's language).
            message = exc.message() if isinstance(exc, PlazaError) else gettext_noop("The export could not be written.")
            transition_export(export, ExportStatus.FAILED, error=message[:200], finished_at=timezone.now())
    return export


def _copy_files(zf: zipfile.ZipFile, files: collect.Files) -> list[str]:
    """Copy each referenced file into the zip; the paths of those that could not be read."""
    missing = []
    for path, ref in sorted(files.refs.items()):
        try:
            with ref.field.open("rb") as src, zf.open(path, "w") as dst:
                shutil.copyfileobj(src, dst, 1024 * 1024)
        except (OSError, ValueError):
            missing.append(path)
    return missing


def do_delete_expired_exports(*, now: datetime | None = None) -> int:
    """Delete the exports past their expiry, files first; returns how many went."""
    now = now or timezone.now()
    count = 0
    for export in Export.objects.filter(expires_at__lte=now).order_by("pk")[:1000]:
        if export.file:
            export.file.delete(save=False)
        Export.objects.filter(pk=export.pk).delete()
        count += 1
    return count
