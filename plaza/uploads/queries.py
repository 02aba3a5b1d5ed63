"""Reads of uploads: the one download check."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from plaza.core.errors import NotFound
from plaza.uploads.kinds import attached_visible, upload_visible
from plaza.uploads.models import Attachment


def _authenticated(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False))


def get_attachment(user: Any, attachment_id: int) -> Attachment:
    """An attachment the caller may download: its uploader's until attached, then exactly
    whoever may see its post; once claimed by another app, whoever the visibility function
    registered for its kind allows (404 for everyone else)."""
    attachment = Attachment.objects.filter(pk=attachment_id).first()
    if attachment is None:
        raise NotFound()
    if attachment.post_id is None and attachment.claimed_kind:
        if attachment.claimed_id is None or not upload_visible(attachment.claimed_kind, user, attachment.claimed_id):
            raise NotFound()
        return attachment
    if attachment.post_id is None:
        if not _authenticated(user) or attachment.uploader_id != user.pk:
            raise NotFound()
        return attachment
    attached_visible(user, attachment.post_id)
    return attachment


def list_claimed_uploads(claims: dict[str, list[int]]) -> list[Any]:
    """The uploads claimed by the objects named in ``claims`` (kind -> object ids), in
    upload order, in one query. The caller has checked who may see them."""
    condition = Q(pk__in=[])
    for kind, ids in claims.items():
        if ids:
            condition |= Q(claimed_kind=kind, claimed_id__in=ids)
    return list(Attachment.objects.filter(condition, post__isnull=True).order_by("pk"))


def get_claimed_upload(upload_id: int) -> Any:
    """The upload ``upload_id`` if another app's object claims it (its ``claimed_kind`` and
    ``claimed_id`` say which), else None. The caller checks who may download it."""
    return Attachment.objects.filter(pk=upload_id, post__isnull=True, claimed_id__isnull=False).exclude(claimed_kind="").first()
