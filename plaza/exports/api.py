"""Exports API: a space's export for its admins, a person's own, their status and download."""

from __future__ import annotations

from typing import Any

from django.http import FileResponse, HttpRequest
from django.urls import reverse
from ninja import Router, Status

from plaza.core import ratelimit
from plaza.core.errors import NotFound
from plaza.core.schemas import errors
from plaza.exports import actions
from plaza.exports.access import access_export
from plaza.exports.models import Export, ExportStatus
from plaza.exports.schemas import ExportOut, ExportQueued
from plaza.spaces.access import access_space
from plaza.spaces.models import Role

router = Router(tags=["exports"])


def download_path(export: Export) -> str:
    return reverse("api:export_download", args=[export.pk])


def export_out(request: HttpRequest, export: Export) -> dict[str, Any]:
    done = export.status == ExportStatus.DONE
    return {
        "id": export.pk,
        "kind": export.kind,
        "space": export.space.slug if export.space else None,
        "status": export.status,
        "progress": export.percent,
        "created_at": export.created,
        "expires_at": export.expires_at,
        "size": export.size if done else None,
        "url": request.build_absolute_uri(download_path(export)) if done else None,
    }


def _limit(request: HttpRequest, user: Any) -> None:
    ratelimit.hit("export", str(user.pk), limit=10, window=3600)


@router.post("/spaces/{slug}/export", response={202: ExportQueued, **errors(401, 403, 404, 429)})
def export_space(request: HttpRequest, slug: str) -> Status:
    acc = access_space(request.auth, slug, role=Role.ADMIN)
    _limit(request, request.auth)
    return Status(202, {"id": actions.do_request_space_export(acc).pk})


@router.post("/me/export", response={202: ExportQueued, **errors(401, 429)})
def export_me(request: HttpRequest) -> Status:
    _limit(request, request.auth)
    return Status(202, {"id": actions.do_request_personal_export(request.auth).pk})


@router.get("/exports/{int:export_id}", response={200: ExportOut, **errors(401, 404)})
def get_export(request: HttpRequest, export_id: int) -> Any:
    return export_out(request, access_export(request.auth, export_id))


@router.get(
    "/exports/{int:export_id}/download",
    url_name="export_download",
    response={200: None, **errors(401, 404)},
    openapi_extra={
        "responses": {
            200: {"description": "The zip.", "content": {"application/zip": {"schema": {"type": "string", "format": "binary"}}}}
        }
    },
)
def download_export(request: HttpRequest, export_id: int) -> FileResponse:
    export = access_export(request.auth, export_id)
    if export.status != ExportStatus.DONE or not export.file:
        raise NotFound()
    try:
        handle = export.file.open("rb")
    except OSError as exc:
        raise NotFound() from exc
    stamp = export.created.strftime("%Y%m%d")
    name = f"plaza-{export.space.slug}-{stamp}.zip" if export.space else f"plaza-personal-{stamp}.zip"
    response = FileResponse(handle, as_attachment=True, filename=name, content_type="application/zip")
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    response["Referrer-Policy"] = "no-referrer"
    return response
