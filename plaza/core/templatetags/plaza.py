"""Small template helpers shared by every app's pages."""

from __future__ import annotations

import datetime
import json
from typing import Any

import heroicons
from django import template
from django.forms import BoundField
from django.utils import formats, timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext, ngettext

from plaza.core.markdown import plain_text

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
def excerpt(text: str, limit: int = 200) -> str:
    """Plain text of Markdown ``text``, cut at ``limit`` characters: no raw ``**`` in lists."""
    return plain_text(text or "", int(limit))


@register.filter
def lookup(mapping: Any, key: Any) -> Any:
    """``mapping[key]`` in a template, or "" (state counts shown by their translated labels)."""
    try:
        return mapping.get(key, "")
    except AttributeError:
        return ""


@register.filter
def as_json(value: Any) -> str:
    """Compact JSON for showing before/after values of the audit log."""
    if value in (None, "", {}, []):
        return ""
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


# One way to write a time per language. ``{{ dt|when }}`` is the full date and time in the
# locale's own format (plaza/formats): "Mon 14 Dec 2026, 20:00", "2026年12月14日 星期一 20:00";
# ``{{ dt|when:"date" }}`` the date, ``"time"`` the time, ``"month"`` the month and year,
# ``"day"`` the day and month. ``{{ dt|ago }}`` is relative ("just now", "3 分钟前") for the
# last week and the full ``when`` before. Both show the active time zone (the person's).
WHEN_FORMATS = {
    "": "DATETIME_FORMAT",
    "date": "DATE_FORMAT",
    "time": "TIME_FORMAT",
    "month": "YEAR_MONTH_FORMAT",
    "day": "MONTH_DAY_FORMAT",
    "short": "SHORT_DATETIME_FORMAT",
    "shortdate": "SHORT_DATE_FORMAT",
}


def _local(value: Any) -> Any:
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        return timezone.localtime(value)
    return value


@register.filter
def when(value: Any, kind: str = "") -> str:
    if value in (None, ""):
        return ""
    if not isinstance(value, datetime.date):
        return str(value)
    if not isinstance(value, datetime.datetime) and kind in ("", "short", "time"):
        kind = "date" if kind != "short" else "shortdate"
    return formats.date_format(_local(value), WHEN_FORMATS.get(kind, "DATETIME_FORMAT"))


@register.filter
def ago(value: Any) -> str:
    if not isinstance(value, datetime.datetime):
        return when(value)
    seconds = (timezone.now() - value).total_seconds()
    if -60 < seconds < 60:
        return gettext("just now")
    if seconds < 0 or seconds >= 7 * 86400:
        return when(value)
    minutes = int(seconds // 60)
    if minutes < 60:
        return ngettext("%(n)d minute ago", "%(n)d minutes ago", minutes) % {"n": minutes}
    hours = minutes // 60
    if hours < 24:
        return ngettext("%(n)d hour ago", "%(n)d hours ago", hours) % {"n": hours}
    days = hours // 24
    if days == 1:
        return gettext("yesterday") + " " + formats.date_format(_local(value), "TIME_FORMAT")
    return ngettext("%(n)d day ago", "%(n)d days ago", days) % {"n": days}


@register.simple_tag
def zone_note() -> SafeString:
    """Says which time zone a form's date-time fields are read in (the person's)."""
    zone = timezone.get_current_timezone_name()
    return format_html(
        '<small class="muted zone-note" data-zone="{}">{}</small>', zone, gettext("Times are in %(zone)s.") % {"zone": zone}
    )


@register.filter
def iso(value: Any) -> str:
    """ISO 8601 with the active zone's offset, to the second, for ``<time datetime>`` (always the same
    shape: a time on a whole minute used to drop its seconds, which made one test in sixty fail)."""
    if isinstance(value, datetime.datetime):
        return str(_local(value).isoformat(timespec="seconds"))
    if isinstance(value, datetime.date):
        return value.isoformat()
    return ""


@register.simple_tag
def icon(name: str, label: str = "", *, size: int = 20, solid: bool = False) -> SafeString:
    """An SVG icon of the heroicons set (outline, or ``solid``), hidden from screen readers, followed by
    ``label`` for them when given. Emoji showed as empty boxes without an emoji font."""
    svg = heroicons._render_icon(
        "solid" if solid else "outline", name, size, **{"aria-hidden": "true", "class": "icon", "focusable": "false"}
    )
    if label:
        return format_html('{}<span class="visually-hidden">{}</span>', mark_safe(svg), label)
    return mark_safe(svg)  # noqa: S308 - the SVG comes from the heroicons package, not from users
