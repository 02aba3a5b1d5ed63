"""The partial of announcements that stand at the top of a space's home for a person."""

from __future__ import annotations

from typing import Any

from django import template

from plaza.announcements.queries import list_standing

register = template.Library()


@register.inclusion_tag("announcements/_standing.html")
def standing_announcements(acc: Any) -> dict[str, Any]:
    """Pinned announcements addressed to the person, and those still awaiting their
    acknowledgement (two queries)."""
    return {"standing": list_standing(acc)}
