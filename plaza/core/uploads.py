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
# Against decompression bombs and slow decodes (issue 18, item 7). A JPEG is decoded at a
# reduced scale (Pillow's draft mode), so 40 Mpx cost ~0.4 s; PNG, GIF and WebP decode every
# pixel (a 40 Mpx RGBA PNG took 0.9 s and 160 MB), so they stop at 16.7 Mpx (4096 x 4096).
MAX_PIXELS = 40_000_000
MAX_LOSSLESS_PIXELS = 4096 * 4096


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
    fmt = IMAGE_TYPES[kind.mime]
    limit = MAX_PIXELS if kind.mime == "image/jpeg" else MAX_LOSSLESS_PIXELS
    try:
        with Image.open(upload) as opened:
            # Only the header is read so far: refuse before decoding a pixel.
            if opened.width * opened.height > limit:
                raise Invalid(
                    _("The image has too many pixels (at most %(n)d million).") % {"n": limit // 1_000_000},
                    field=field,
                )
            if opened.format == "JPEG":
                opened.draft(opened.mode, (max_side, max_side))  # decode at 1/2, 1/4 or 1/8 scale
            img: Image.Image = ImageOps.exif_transpose(opened)
            img.thumbnail((max_side, max_side))
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
