"""Small template helpers shared by every app's pages."""

from __future__ import annotations

import json
from typing import Any

from django import template
from django.forms import BoundField
from django.utils.safestring import SafeString

register = template.Library()


@register.simple_tag
def field_widget(field: BoundField) -> SafeString:
    """The field's widget, marked invalid and tied to its error and help text for screen readers."""
    attrs: dict[str, str | bool] = {}
    described = []
    if field.errors:
        attrs["aria-invalid"] = "true"
        described.append(f"{field.auto_id}-error")
    if field.help_text:
        described.append(f"{field.auto_id}-help")
    if described:
        attrs["aria-describedby"] = " ".join(described)
    return field.as_widget(attrs=attrs)


@register.filter
def as_json(value: Any) -> str:
    """Compact JSON for showing before/after values of the audit log."""
    if value in (None, "", {}, []):
        return ""
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
