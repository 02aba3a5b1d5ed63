"""Server-wide endpoints: health check and uploaded media."""

from __future__ import annotations

import mimetypes
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.http import FileResponse, Http404, HttpRequest, JsonResponse

from plaza.core import avatars

# Only re-encoded images live in these folders; anything else under MEDIA_ROOT is served
# by its own app's view with its own access check.
PUBLIC_MEDIA_DIRS = ("avatars", "logos")


def healthz(request: HttpRequest) -> JsonResponse:
    """200 when the database answers; 503 naming the failing part otherwise."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # noqa: BLE001 — any failure means the database is not usable
        return JsonResponse({"status": "error", "database": "unavailable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


def media(request: HttpRequest, folder: str, name: str) -> FileResponse:
    """Serve an avatar or a logo with safe headers (they are re-encoded images)."""
    if folder not in PUBLIC_MEDIA_DIRS or "/" in name or name.startswith("."):
        raise Http404()
    path = Path(settings.MEDIA_ROOT) / folder / name
    if not path.is_file():
        # A smaller copy of a square photo or logo (``<stem>-64.png``) is made on first
        # request and kept: pages ask for the size they show (core/avatars.py).
        made = avatars.make_variant(path.parent, name)
        if made is None:
            raise Http404()
        path = made
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    if content_type not in ("image/png", "image/jpeg"):
        raise Http404()
    response = FileResponse(path.open("rb"), content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'"
    # Every stored name is random and never reused (a new photo gets a new name), so a
    # browser may keep the file; "private" keeps shared caches from holding people's faces.
    response["Cache-Control"] = "private, max-age=31536000, immutable"
    return response
