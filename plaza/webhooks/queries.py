"""Reads of webhooks: a space's endpoints and one endpoint's delivery log."""

from __future__ import annotations

from plaza.core.pagination import keyset_page
from plaza.spaces.access import SpaceAccess
from plaza.webhooks.models import Webhook, WebhookDelivery


def list_webhooks(acc: SpaceAccess) -> list[Webhook]:
    return list(Webhook.objects.filter(space=acc.space).order_by("-created", "-pk"))


def page_deliveries(
    acc: SpaceAccess, webhook: Webhook, *, cursor: str | None = None, limit: int | None = None
) -> tuple[list[WebhookDelivery], str | None]:
    """Attempts to ``webhook``, newest first, with the message each one carried."""
    qs = WebhookDelivery.objects.filter(space=acc.space, webhook=webhook).select_related("message")
    return keyset_page(qs, cursor=cursor, limit=limit)
