"""Single sign-on on the sign-in pages: the providers, and whether passwords are off."""

from __future__ import annotations

from django import template
from django.conf import settings

register = template.Library()


@register.simple_tag
def sso_required() -> bool:
    return bool(settings.SSO_REQUIRED)
