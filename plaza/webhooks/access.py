"""Who may manage a webhook: the admins of its space (and of the space's ancestors)."""

from __future__ import annotations

from typing import Any

from plaza.core.errors import NotAuthenticated, NotFound
from plaza.spaces.access import SpaceAccess, space_access_for
from plaza.spaces.models import Role
from plaza.webhooks.models import Webhook


def access_webhook(user: Any, webhook_id: int) -> tuple[SpaceAccess, Webhook]:
    """The webhook and the caller's admin access to its space.

    A missing webhook or a space the caller may not know: 404; someone who knows the space
    but does not administer it: 403 (the rule for a space's admin-only things).
    """
    if not getattr(user, "is_authenticated", False):
        raise NotAuthenticated()
    webhook = Webhook.objects.select_related("space__parent__parent").filter(pk=webhook_id).first()
    if webhook is None:
        raise NotFound()
    acc = space_access_for(user, webhook.space, role=Role.ADMIN)
    return acc, webhook
