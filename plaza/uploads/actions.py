"""Every write of uploads: storing a file, claiming it for an object, releasing it, purging orphans.

An upload starts as its uploader's own (``do_upload_file``). The feed attaches it to a
post (``check_attachments``); another app claims it for its object (``claim_uploads``)
and says who may download it in ``uploads.kinds``; a blog or headline keeps it as a cover
(``do_keep_upload``). The rest is purged once a day old (``do_purge_orphan_uploads``).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import timedelta
from typing import Any

import filetype
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from plaza.core.errors import Invalid, NotAuthenticated
from plaza.core.uploads import TooLarge, UnsupportedType, clean_image
from plaza.spaces.models import Space
from plaza.uploads.kinds import UPLOAD_KIND_MODELS
from plaza.uploads.models import MAX_ATTACHMENTS, Attachment

# --- attaching and claiming -----------------------------------------------------------------


def check_attachments(user: Any, ids: list[int] | None) -> list[Attachment]:
    """The caller's own, not yet attached uploads named by ``ids`` (at most 9), in order."""
    ids = list(dict.fromkeys(ids or []))
    if not ids:
        return []
    if len(ids) > MAX_ATTACHMENTS:
        raise Invalid(_("At most %(n)d images and files.") % {"n": MAX_ATTACHMENTS}, field="attachment_ids")
    found = {
        a.pk: a
        for a in Attachment.objects.select_for_update().filter(pk__in=ids, uploader=user, post__isnull=True, claimed_kind="")
    }
    if len(found) != len(ids):
        raise Invalid(_("Attach only your own new uploads."), field="attachment_ids")
    return [found[i] for i in ids]


def claim_uploads(
    user: Any,
    ids: Any,
    *,
    kind: str,
    obj_id: int,
    field: str,
    images_only: bool = False,
    max_count: int = MAX_ATTACHMENTS,
    codes: dict[int, str] | None = None,
    scope: str = "",
) -> list[Attachment]:
    """Claim the caller's own new uploads named by ``ids`` for another app's object
    (``kind`` registered with ``uploads.kinds.register_upload_kind``); returns them in order.

    Precondition: inside the transaction that writes the object. Uploads the caller made,
    not attached to a post, not kept as a cover and not claimed already; else 422 naming
    ``field``. Uploads already claimed for this very object are accepted again, whoever
    uploaded them (an edit that keeps them). A claimed upload is never purged; it is
    downloaded by whoever the kind's visibility function allows.

    A signed-out caller claims signed-out uploads made for ``scope`` only, each with its
    claim code in ``codes`` (upload id -> code); a missing or wrong code is 422 too.
    """
    if ids is None:
        return []
    if not isinstance(ids, list) or not all(isinstance(i, int) and not isinstance(i, bool) for i in ids):
        raise Invalid(_("Give the id of an upload, or a list of up to 9."), field=field)
    ids = list(dict.fromkeys(ids))
    if not ids:
        return []
    if len(ids) > max_count:
        raise Invalid(_("At most %(n)d images and files.") % {"n": max_count}, field=field)
    signed_in = bool(getattr(user, "is_authenticated", False))
    if signed_in:
        mine_and_new = Q(uploader=user, post__isnull=True, space__isnull=True, claimed_kind="")
    elif scope and codes is not None:
        mine_and_new = Q(uploader__isnull=True, claim_scope=scope, post__isnull=True, space__isnull=True, claimed_kind="")
    else:
        raise Invalid(_("Attach only your own new uploads."), field=field)
    # Kept by an edit: already this object's, whoever uploaded them (another manager).
    already_here = Q(claimed_kind=kind, claimed_id=obj_id)
    found = {a.pk: a for a in Attachment.objects.select_for_update().filter(mine_and_new | already_here, pk__in=ids)}
    if len(found) != len(ids):
        raise Invalid(_("Attach only your own new uploads."), field=field)
    if not signed_in:
        for a in found.values():
            if a.claimed_kind == kind and a.claimed_id == obj_id:
                continue
            code = str((codes or {}).get(a.pk) or "")
            if not code or not hmac.compare_digest(a.claim_code_hash, hash_claim_code(code)):
                raise Invalid(_("Give the claim code of each upload."), field=field)
    if images_only and not all(a.is_image for a in found.values()):
        raise Invalid(_("Only JPEG, PNG, GIF and WebP images are accepted."), field=field)
    # A claim spends the code: released again, the upload can only be purged.
    Attachment.objects.filter(pk__in=ids).update(claimed_kind=kind, claimed_id=obj_id, claim_code_hash="")
    for a in found.values():
        a.claimed_kind, a.claimed_id, a.claim_code_hash = kind, obj_id, ""
    return [found[i] for i in ids]


def release_uploads(*, kind: str, obj_id: int, keep: list[int] | None = None) -> None:
    """Drop the claims of ``kind``/``obj_id`` except on ``keep``: released uploads are
    orphans again (served to nobody but their uploader, purged once a day old)."""
    Attachment.objects.filter(claimed_kind=kind, claimed_id=obj_id).exclude(pk__in=keep or []).update(
        claimed_kind="",
        claimed_id=None,
    )


# --- storing ------------------------------------------------------------------------------

# Sniffed type -> extensions a file of that type may carry. Images are re-encoded.
IMAGE_EXTENSIONS = {
    "image/jpeg": {"jpg", "jpeg"},
    "image/png": {"png"},
    "image/apng": {"png", "apng"},
    "image/gif": {"gif"},
    "image/webp": {"webp"},
}
FILE_EXTENSIONS = {
    "application/pdf": {"pdf"},
    "application/zip": {"zip"},
    "application/msword": {"doc"},
    "application/vnd.ms-excel": {"xls"},
    "application/vnd.ms-powerpoint": {"ppt"},
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": {"docx"},
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {"xlsx"},
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": {"pptx"},
    "application/vnd.oasis.opendocument.text": {"odt"},
    "application/vnd.oasis.opendocument.spreadsheet": {"ods"},
    "application/vnd.oasis.opendocument.presentation": {"odp"},
    "audio/mpeg": {"mp3"},
    "video/mp4": {"mp4"},
}
# Text has no magic bytes: accepted by extension when it decodes as UTF-8.
TEXT_EXTENSIONS = {"txt": "text/plain", "csv": "text/csv", "md": "text/markdown"}


def _extension(name: str) -> str:
    return name.rsplit(".", 1)[-1].lower() if "." in name else ""


def _clean_name(name: str) -> str:
    name = (name or "").replace("\\", "/").rsplit("/", 1)[-1].strip().replace("\x00", "")
    return name[:200] or "file"


def hash_claim_code(code: str) -> str:
    """Claim codes carry 128 random bits, so one SHA-256 round is enough to store them."""
    return hashlib.sha256(code.encode()).hexdigest()


@transaction.atomic
def do_upload_file(user: Any, upload: Any, *, scope: str = "", field: str = "file") -> Attachment:
    """Store an upload for later attaching.

    413 past the size settings, 415 for a type that is not accepted, 422 when the
    extension does not match the sniffed content or an image cannot be decoded (each
    naming ``field``). Images are re-encoded without their metadata (EXIF, GPS).

    Signed out, only with a ``scope`` the caller has checked (``uploads.kinds.
    signed_out_scope``): the upload belongs to nobody and gets a secret claim code, set
    on the returned object as ``claim_code`` (shown once, stored hashed).
    """
    signed_in = bool(getattr(user, "is_authenticated", False))
    if not signed_in and not scope:
        raise NotAuthenticated()
    name = _clean_name(upload.name)
    ext = _extension(name)
    if upload.size is not None and upload.size > settings.PLAZA_MAX_FILE_BYTES:
        raise TooLarge(_("The file is larger than %(mb)d MB.") % {"mb": settings.PLAZA_MAX_FILE_BYTES // 2**20}, field=field)
    head = upload.read(8192)
    upload.seek(0)
    kind = filetype.guess(head)
    if kind is not None and kind.mime in IMAGE_EXTENSIONS:
        if ext not in IMAGE_EXTENSIONS[kind.mime]:
            raise Invalid(_("The file's name does not match its content."), field=field)
        content = clean_image(upload, field=field, max_side=2048)
        stem = name.rsplit(".", 1)[0]
        out_ext = content.name.rsplit(".", 1)[-1]
        name = f"{stem}.{out_ext}"
        content_type = "image/jpeg" if out_ext == "jpg" else "image/png"
        is_image = True
    elif kind is not None:
        if kind.mime not in FILE_EXTENSIONS:
            raise UnsupportedType(field=field)
        if ext not in FILE_EXTENSIONS[kind.mime]:
            raise Invalid(_("The file's name does not match its content."), field=field)
        content = ContentFile(upload.read(), name=f"{secrets.token_urlsafe(12)}.{ext}")
        content_type, is_image = kind.mime, False
    else:
        if ext not in TEXT_EXTENSIONS:
            raise UnsupportedType(field=field)
        data = upload.read()
        try:
            data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise UnsupportedType(field=field) from exc
        content = ContentFile(data, name=f"{secrets.token_urlsafe(12)}.{ext}")
        content_type, is_image = TEXT_EXTENSIONS[ext], False
    attachment = Attachment(
        uploader=user if signed_in else None, name=name, size=content.size, content_type=content_type, is_image=is_image
    )
    claim_code = ""
    if not signed_in:
        claim_code = secrets.token_urlsafe(16)
        attachment.claim_scope, attachment.claim_code_hash = scope[:60], hash_claim_code(claim_code)
    attachment.file.save(content.name, content, save=False)
    attachment.save()
    attachment.claim_code = claim_code  # type: ignore[attr-defined]
    return attachment


ORPHAN_UPLOAD_AGE = timedelta(hours=24)


def do_keep_upload(attachment: Attachment, space: Space) -> None:
    """Keep an upload another app uses outside a post (the cover of a draft blog or of a
    headline): marked with its space, it is no orphan to :func:`do_purge_orphan_uploads`.
    Who may download it does not change (its uploader, until it is attached to a post)."""
    Attachment.objects.filter(pk=attachment.pk).update(space=space)
    attachment.space = space


def release_dead_claims() -> int:
    """Release claims whose object is gone without releasing them (a deleted space takes
    its polls, products and cases with it); returns how many uploads were released.

    Claims of a kind nobody registered stay: they are served to nobody, and an app being
    removed should not lose its files to a sweep."""
    released = 0
    for kind, model in UPLOAD_KIND_MODELS.items():
        released += (
            Attachment.objects.filter(claimed_kind=kind)
            .exclude(claimed_id__in=model.objects.values("pk"))
            .update(claimed_kind="", claimed_id=None)
        )
    return released


def do_purge_orphan_uploads(*, older_than: timedelta = ORPHAN_UPLOAD_AGE) -> int:
    """Delete uploads (rows and files) that were never attached to a post; returns how many.

    Files go only after their row is gone, so a crash leaves at worst an unreachable file.
    """
    cutoff = timezone.now() - older_than
    release_dead_claims()
    # not kept by do_keep_upload, not claimed by claim_uploads
    orphans = Attachment.objects.filter(post__isnull=True, space__isnull=True, claimed_kind="")
    stale = list(orphans.filter(created__lt=cutoff)[:500])
    if not stale:
        return 0
    with transaction.atomic():
        orphans.filter(pk__in=[a.pk for a in stale]).delete()
    for attachment in stale:
        attachment.file.delete(save=False)
    return len(stale)
