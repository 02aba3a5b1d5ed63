"""Writing the audit log. Only actions call :func:`record`, inside their transaction."""

from __future__ import annotations

import contextvars
import ipaddress
from typing import Any

from django.db import models

from plaza.core.models import AuditEntry

# The address of the request being served (set by ClientAddressMiddleware); None outside one.
client_address: contextvars.ContextVar[str | None] = contextvars.ContextVar("client_address", default=None)


def _address() -> str | None:
    value = client_address.get()
    try:
        return str(ipaddress.ip_address(value)) if value else None
    except ValueError:
        return None


def snapshot(obj: models.Model, fields: list[str]) -> dict[str, Any]:
    """The JSON-safe values of ``fields`` on ``obj``, for before/after columns."""
    out: dict[str, Any] = {}
    for name in fields:
        value = getattr(obj, name)
        if isinstance(value, models.Model):
            value = value.pk
        elif hasattr(value, "isoformat"):
            value = value.isoformat()
        elif hasattr(value, "name") and not isinstance(value, str):  # files
            value = value.name or None
        out[name] = value
    return out


def record(
    *,
    space: Any,
    actor: Any,
    action: str,
    target: models.Model | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEntry:
    """Append one entry. ``space`` may be None for server-wide events."""
    return AuditEntry.objects.create(
        space=space,
        space_slug=getattr(space, "slug", "") or "",
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=action,
        target_type=(target._meta.model_name or "") if target is not None else "",
        target_id=target.pk if target is not None else None,
        before=before,
        after=after,
        address=_address(),
    )


def record_change(*, space: Any, actor: Any, action: str, target: models.Model, before: dict[str, Any], after: dict[str, Any]) -> bool:
    """Append an entry for an edit only when it changed something (``before`` and ``after``
    are ``snapshot``s of the same fields); returns whether it did."""
    if after == before:
        return False
    record(space=space, actor=actor, action=action, target=target, before=before, after=after)
    return True
