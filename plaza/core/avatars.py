"""Faces: people's photos and generated avatars, space and exhibitor logos.

A person shows their uploaded photo (square, re-encoded, served from ``/media/avatars/``
in a few cached sizes), else a generated avatar: the initials of a Latin name (first letters
of its first and last word), or the last two characters of a Chinese name as DingTalk does
(王小明 → 小明), in white on a colour picked from the handle. The generated avatar is a
``<span>`` styled by ``static/faces.css``: no image request per person, and no inline style
(the Content-Security-Policy forbids it), so sizes and colours are classes.

Templates use one tag (``core/templatetags/faces.py``): ``{% avatar person 32 %}`` and
``{% space_logo space 64 %}``. ``person`` may be a ``User`` or a dict/object with ``name``,
``handle`` and ``avatar_url`` (the fast feed rows and the API's user objects).
"""

from __future__ import annotations

import io
import re
import secrets
import unicodedata
import zlib
from pathlib import Path
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.utils.html import format_html
from django.utils.safestring import SafeString
from PIL import Image, ImageOps

from plaza.core.uploads import clean_image

# White text on each colour has a contrast ratio of at least 4.5:1 (WCAG AA);
# core/tests/test_avatars.py computes it.
PALETTE = (
    "#b91c1c",
    "#c2410c",
    "#a16207",
    "#15803d",
    "#0f766e",
    "#0369a1",
    "#1d4ed8",
    "#6d28d9",
    "#a21caf",
    "#be185d",
    "#4d7c0f",
    "#475569",
)
# The sizes a template may ask for (a class each in faces.css).
SIZES = (24, 32, 40, 48, 64, 96, 128)
# The photo is stored square at MASTER pixels; smaller copies are made on first request
# (core.views.media) and kept next to it, named ``<stem>-<side>.<ext>``.
MASTER = 256
VARIANTS = (64, 128)
VARIANT_NAME = re.compile(r"^(?P<stem>[A-Za-z0-9_-]+?)-(?P<side>64|128)\.(?P<ext>png|jpg)$")


def _is_cjk(ch: str) -> bool:
    return "CJK" in unicodedata.name(ch, "") or "\u3400" <= ch <= "\u9fff"


def initials(name: str, fallback: str = "") -> str:
    """What a generated avatar shows for ``name``.

    A name with Chinese characters gives its last two (王小明 → 小明, 李四 → 李四, 李静 Li Jing →
    李静);
    a Latin name the first letters of its first and last word, upper-cased (Ada Lovelace → AL,
    Ada → A). An empty name falls back to ``fallback`` (the handle), then "?".
    """
    name = unicodedata.normalize("NFC", (name or "").strip()) or (fallback or "").strip().lstrip("@")
    if not name:
        return "?"
    cjk = [ch for ch in name if _is_cjk(ch)]
    if cjk:
        # Chinese characters anywhere win: "李静 Li Jing" → 李静, "张 三" → 张三.
        return "".join(cjk[-2:])
    words = name.split()
    firsts = [w[0] for w in words if w[0].isalnum()] or [words[0][0]]
    if len(firsts) == 1:
        return firsts[0].upper()
    return (firsts[0] + firsts[-1]).upper()


def colour_index(key: str) -> int:
    """A palette index that depends only on ``key`` (the handle or slug), case-insensitively."""
    return zlib.crc32((key or "").lower().encode()) % len(PALETTE)


def colour(key: str) -> str:
    return PALETTE[colour_index(key)]


def _field(obj: Any, name: str) -> Any:
    if isinstance(obj, dict):
        return obj.get(name)
    return getattr(obj, name, None)


def sized_url(url: str | None, size: int) -> str | None:
    """The URL of the stored copy that fits ``size`` CSS pixels on a 2x screen."""
    if not url:
        return None
    want = size * 2
    for side in VARIANTS:
        if want <= side:
            base, dot, ext = url.rpartition(".")
            if dot and "/media/" in url:
                return f"{base}-{side}.{ext}"
    return url


def _size(size: Any) -> int:
    try:
        wanted = int(size)
    except (TypeError, ValueError):
        wanted = 32
    return min(SIZES, key=lambda s: abs(s - wanted))


def avatar_html(
    person: Any, size: Any = 32, *, shape: str = "person", label: bool = False, url: str | None = None, key: str | None = None
) -> SafeString:
    """The face of ``person`` (see the module docstring). Decorative unless ``label``.

    Decorative faces sit next to the name, so screen readers skip them (``alt=""`` /
    ``aria-hidden``); ``label`` gives the face the name when it stands alone.
    """
    if person is None:
        return SafeString("")
    side = _size(size)
    name = str(_field(person, "name") or "")
    handle = str(key or _field(person, "handle") or _field(person, "slug") or name)
    if url is None:
        url = _field(person, "avatar_url")
    src = sized_url(url, side)
    classes = f"av av-{side}" + (" av-square" if shape == "square" else "")
    if src:
        if label:
            return format_html(
                '<img class="{}" src="{}" alt="{}" width="{}" height="{}" loading="lazy">', classes, src, name, side, side
            )
        return format_html('<img class="{}" src="{}" alt="" width="{}" height="{}" loading="lazy">', classes, src, side, side)
    text = initials(name, handle)
    classes += f" av-c{colour_index(handle)}" + (" av-2" if len(text) > 1 else "")
    if label:
        return format_html('<span class="{}" role="img" aria-label="{}">{}</span>', classes, name, text)
    return format_html('<span class="{}" aria-hidden="true">{}</span>', classes, text)


def avatar_data(person: Any, size: Any = 32) -> dict[str, str | None]:
    """The face as data for scripts that draw people (live chat messages, pickers):
    ``{"src": <photo URL or null>, "text": <initials>, "class": <classes of the element>}``.
    A script makes ``<img class src alt="">`` when ``src`` is set, else
    ``<span class aria-hidden="true">text</span>``, exactly as ``avatar_html`` does."""
    side = _size(size)
    handle = str(_field(person, "handle") or _field(person, "name") or "")
    src = sized_url(_field(person, "avatar_url"), side)
    text = initials(str(_field(person, "name") or ""), handle)
    classes = f"av av-{side}"
    if not src:
        classes += f" av-c{colour_index(handle)}" + (" av-2" if len(text) > 1 else "")
    return {"src": src, "text": text, "class": classes}


# --- storing photos ------------------------------------------------------------------------


def clean_square_image(upload: UploadedFile[Any], *, field: str) -> ContentFile[bytes]:
    """``upload`` sniffed and re-encoded (core.uploads.clean_image), centre-cropped square at
    MASTER pixels. Raises what ``clean_image`` raises, naming ``field``."""
    cleaned = clean_image(upload, field=field, max_side=1024)
    with Image.open(io.BytesIO(cleaned.read())) as opened:
        fmt = opened.format or "PNG"
        side = min(MASTER, opened.width, opened.height)
        square = ImageOps.fit(opened, (side, side), method=Image.Resampling.LANCZOS)
        out = io.BytesIO()
        square.save(out, format=fmt)
    ext = "jpg" if fmt == "JPEG" else "png"
    return ContentFile(out.getvalue(), name=f"{secrets.token_urlsafe(12)}.{ext}")


def make_variant(folder: Path, name: str) -> Path | None:
    """Make (once) the smaller copy ``name`` (``<stem>-<side>.<ext>``) of a stored square
    image in ``folder``; None when ``name`` is no variant name or its original is gone."""
    match = VARIANT_NAME.match(name)
    if match is None:
        return None
    target = folder / name
    if target.is_file():
        return target
    original = folder / f"{match['stem']}.{match['ext']}"
    if not original.is_file():
        return None
    side = int(match["side"])
    with Image.open(original) as opened:
        fmt = opened.format or "PNG"
        small = ImageOps.fit(opened, (side, side), method=Image.Resampling.LANCZOS)
        partial = folder / f".{secrets.token_hex(6)}-{name}"
        small.save(partial, format=fmt)
    partial.replace(target)  # atomic: a concurrent request sees the whole file or none
    return target


def delete_with_variants(storage: Any, name: str) -> None:
    """Delete a stored photo or logo and its smaller copies (call on commit)."""
    if not name:
        return
    base, _dot, ext = name.rpartition(".")
    for each in [name] + [f"{base}-{side}.{ext}" for side in VARIANTS]:
        try:
            storage.delete(each)
        except OSError:
            pass
