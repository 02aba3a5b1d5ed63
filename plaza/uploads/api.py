"""Uploads API (API.md, Uploads): ``POST /uploads``."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import File, Form, Router, Status
from ninja.files import UploadedFile
from pydantic import Field

from plaza.core import ratelimit
from plaza.core.auth import optional
from plaza.core.errors import NotAuthenticated
from plaza.core.schemas import errors
from plaza.uploads import actions
from plaza.uploads.kinds import signed_out_scope
from plaza.uploads.schemas import UploadOut

router = Router(tags=["uploads"])


class SignedOutUploadOut(UploadOut):
    claim_code: str | None = Field(
        default=None, description="Signed-out uploads only: the secret that claims the upload (shown once)."
    )


SIGNED_OUT_UPLOAD_LIMIT = 20  # signed-out uploads per address per 10 minutes


@router.post("/uploads", auth=optional, response={201: SignedOutUploadOut, **errors(401, 413, 415, 422, 429)}, tags=["uploads"])
def upload(
    request: HttpRequest,
    file: File[UploadedFile],
    case_type_id: str | None = Form(None, description="Signed out only: a public case type whose form takes files."),
) -> Status:
    """Signed in, anyone uploads. Signed out, only for a public case type (``case_type_id``):
    the answer then carries a ``claim_code`` that the case submission must present."""
    if request.auth.is_authenticated:
        ratelimit.hit("upload", str(request.auth.pk), limit=60, window=60)
        found = actions.do_upload_file(request.auth, file)
        return Status(201, {**found.summary(), "url": request.build_absolute_uri(f"/files/{found.pk}/")})
    if case_type_id is None:
        raise NotAuthenticated()
    ratelimit.hit("upload-ip", ratelimit.client_key(request), limit=SIGNED_OUT_UPLOAD_LIMIT, window=600)
    scope = signed_out_scope("case_type_id", case_type_id)
    found = actions.do_upload_file(request.auth, file, scope=scope)
    # Nobody downloads a signed-out upload before it is claimed: /files/<id>/ answers 404.
    return Status(
        201, {**found.summary(), "url": request.build_absolute_uri(f"/files/{found.pk}/"), "claim_code": found.claim_code}
    )
