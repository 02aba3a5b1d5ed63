"""The headlines partial any page of a space can include (the space home does)."""

from __future__ import annotations

from typing import Any

from django import template

from plaza.blogs.queries import list_headlines

register = template.Library()


@register.inclusion_tag("blogs/_headlines.html")
def space_headlines(acc: Any) -> dict[str, Any]:
    """The space's live headlines that ``acc``'s person may see (a fixed number of queries)."""
    return {"headlines": list_headlines(acc)}
