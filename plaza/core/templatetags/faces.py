"""``{% avatar person 32 %}`` and ``{% space_logo space 64 %}``: one way to show a face."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString

from plaza.core.avatars import avatar_data, avatar_html

register = template.Library()


@register.simple_tag
def avatar(person: Any, size: Any = 32, label: bool = False) -> SafeString:
    """A person's photo, else their generated avatar (core/avatars.py). ``label=True`` when
    no name is shown next to it."""
    return avatar_html(person, size, label=label)


@register.simple_tag
def space_logo(space: Any, size: Any = 64, label: bool = False) -> SafeString:
    """A space's logo, else its generated one (initials on a colour from the slug)."""
    if space is None:
        return SafeString("")
    logo = getattr(space, "logo", None)
    url = logo.url if logo else None
    return avatar_html(space, size, shape="square", label=label, url=url, key=getattr(space, "slug", None))


@register.simple_tag
def exhibitor_logo(exhibitor: Any, size: Any = 48, label: bool = False) -> SafeString:
    """An exhibitor's logo (its claimed upload, else one stored through the admin, as
    ``showcase.access.exhibitor_logo_url``), else its initials on a colour from its id."""
    url = None
    if getattr(exhibitor, "logo_id", None):
        url = reverse("attachment", args=[exhibitor.logo_id])
    elif getattr(exhibitor, "logo", None):
        url = exhibitor.logo.url
    return avatar_html(exhibitor, size, shape="square", label=label, url=url, key=f"exhibitor-{exhibitor.pk}")


@register.simple_tag
def attachment_url(upload_id: Any) -> str:
    """``/files/<id>/`` of an upload (product photos)."""
    return reverse("attachment", args=[upload_id])


@register.simple_tag
def avatar_attrs(person: Any, size: Any = 24) -> SafeString:
    """``data-avatar-src``/``-text``/``-class`` attributes for an element that stands for a
    person in a script's list (a picker's ``<option>``): the script draws the face as
    ``core.avatars.avatar_data`` describes it."""
    data = avatar_data(person, size)
    return format_html(
        'data-avatar-src="{}" data-avatar-text="{}" data-avatar-class="{}"', data["src"] or "", data["text"], data["class"]
    )


@register.simple_tag
def hit_face(doc: Any, size: Any = 32) -> SafeString:
    """The face of a search result: a person's avatar, a space's logo, else nothing.

    A person's document carries the name (title) and handle (ref) only, so people show their
    generated avatar in results; the photo is on their page.
    """
    if doc.kind == "user":
        return avatar_html({"name": doc.title, "handle": doc.ref}, size)
    if doc.kind == "space" and doc.space_id:
        return space_logo(doc.space, size)
    return SafeString("")
