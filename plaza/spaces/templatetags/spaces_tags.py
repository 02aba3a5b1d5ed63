"""Template helpers of spaces: which apps are on (the space bar, the space home)."""

from __future__ import annotations

from django import template

from plaza.spaces.access import app_enabled
from plaza.spaces.models import Space

register = template.Library()


@register.filter
def app_on(space: Space, app: str) -> bool:
    """``{% if space|app_on:"feed" %}``: whether the app is on in the space."""
    return app_enabled(space, app)
