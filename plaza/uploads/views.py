"""The one download view of uploads: ``/files/<id>/``."""

from __future__ import annotations

from django.http import FileResponse, HttpRequest, HttpResponse

from plaza.core.auth import bearer_or_session
from plaza.core.pages import page_errors
from plaza.uploads import queries


@bearer_or_session
@page_errors
def attachment(request: HttpRequest, attachment_id: int) -> HttpResponse:
    """Download an attachment, only for those who may see its post. Images show inline;
    every other file is a download. Never sniffed by the browser, never scripted."""
    found = queries.get_attachment(request.user, attachment_id)
    response = FileResponse(
        found.file.open("rb"), content_type=found.content_type, as_attachment=not found.is_image, filename=found.name
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, max-age=3600"
    return response
