"""Checks of free text shared by the apps' ``check_*`` functions."""

from __future__ import annotations

from django.utils.translation import gettext as _

from plaza.core.errors import Invalid


def check_text(value: str | None, *, field: str, max_len: int, required: str | bool = False) -> str:
    """``value`` stripped; 422 naming ``field`` when it is longer than ``max_len``, or empty
    while ``required`` (True, or the message to give: "Give the blog a title.")."""
    value = (value or "").strip()
    if required and not value:
        raise Invalid(required if isinstance(required, str) else _("Write something first."), field=field)
    if len(value) > max_len:
        raise Invalid(_("At most %(n)d characters.") % {"n": max_len}, field=field)
    return value
