"""Image uploads (avatars, logos): size-checked, sniffed from the bytes, re-encoded."""

from __future__ import annotations

import io
import secrets
from typing import Any

import filetype
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps

from plaza.core.errors import Invalid, PlazaError

IMAGE_TYPES = {"image/jpeg": "JPEG", "image/png": "PNG", "image/gif": "PNG", "image/webp": "PNG"}
MAX_PIXELS = 40_000_000  # against decompression bombs


class TooLarge(PlazaError):
    status, code, default_detail = 413, "too_large", "The file is too large."


class UnsupportedType(PlazaError):
    status, code, default_detail = 415, "unsupported_type", "This type of file is not accepted."


def clean_image(upload: UploadedFile[Any], *, field: str, max_side: int = 512) -> ContentFile[bytes]:
    """Re-encode ``upload`` as PNG or JPEG without metadata, at most ``max_side`` pixels wide.

    Raises 413 past the size setting, 415 when the bytes are not an image, 422 when the
    image cannot be decoded or has too many pixels.
    """
    if upload.size is not None and upload.size > settings.PLAZA_MAX_IMAGE_BYTES:
        raise TooLarge(_("The image is larger than %(mb)d MB.") % {"mb": settings.PLAZA_MAX_IMAGE_BYTES // 2**20}, field=field)
    head = upload.read(262)
    upload.seek(0)
    kind = filetype.guess(head)
    if kind is None or kind.mime not in IMAGE_TYPES:
        raise UnsupportedType(_("Only JPEG, PNG, GIF and WebP images are accepted."), field=field)
    Image.MAX_IMAGE_PIXELS = MAX_PIXELS
    try:
        with Image.open(upload) as opened:
            if opened.width * opened.height > MAX_PIXELS:
                raise Invalid(_("The image has too many pixels."), field=field)
            img: Image.Image = ImageOps.exif_transpose(opened)
            img.thumbnail((max_side, max_side))
            fmt = IMAGE_TYPES[kind.mime]
            if fmt == "JPEG":
                img = img.convert("RGB")
            elif img.mode not in ("RGB", "RGBA"):
                img = img.convert("RGBA")
            out = io.BytesIO()
            img.save(out, format=fmt)  # a fresh encode carries no EXIF
    except (OSError, Image.DecompressionBombError, ValueError) as exc:
        raise Invalid(_("The image could not be read."), field=field) from exc
    ext = "jpg" if fmt == "JPEG" else "png"
    return ContentFile(out.getvalue(), name=f"{secrets.token_urlsafe(12)}.{ext}")
