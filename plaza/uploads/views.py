"""The one download view of uploads: ``/files/<id>/``."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse

from plaza.core.auth import bearer_or_session
from plaza.core.pages import file_response, page_errors
from plaza.uploads import queries


@bearer_or_session
@page_errors
def attachment(request: HttpRequest, attachment_id: int) -> HttpResponse:
    """Download an attachment, only for those who may see its post. Images show inline;
    every other file is a download. Never sniffed by the browser, never scripted."""
    return file_response(queries.get_attachment(request.user, attachment_id))
