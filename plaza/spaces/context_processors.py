from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from plaza.spaces.queries import list_my_memberships


def my_spaces(request: HttpRequest) -> dict[str, Any]:
    """The signed-in person's spaces for the top bar's space switcher (queried lazily)."""
    return {"my_memberships": SimpleLazyObject(lambda: list(list_my_memberships(request.user)))}
