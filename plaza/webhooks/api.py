"""Webhooks API (admins of a space). Routes parse input, check access, call one action or query."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Status

from plaza.core.schemas import errors
from plaza.spaces.access import access_space
from plaza.spaces.models import Role
from plaza.webhooks import actions, queries
from plaza.webhooks.access import access_webhook
from plaza.webhooks.models import Webhook, WebhookDelivery
from plaza.webhooks.schemas import DeliveryList, WebhookCreatedOut, WebhookIn, WebhookList

router = Router(tags=["webhooks"])


def webhook_out(w: Webhook) -> dict[str, Any]:
    return {
        "id": w.pk,
        "url": w.url,
        "events": w.events,
        "enabled": w.enabled,
        "created_at": w.created,
        "disabled_at": w.disabled_at,
    }


def delivery_out(d: WebhookDelivery) -> dict[str, Any]:
    return {
        "id": d.pk,
        "webhook_id": d.message.msg_id,
        "type": d.message.event,
        "attempt": d.attempt,
        "status": d.status,
        "response_code": d.response_code,
        "error": d.error,
        "duration_ms": d.duration_ms,
        "created_at": d.created,
    }


@router.post("/spaces/{slug}/webhooks", response={201: WebhookCreatedOut, **errors(401, 403, 404, 409, 422)})
def create_webhook(request: HttpRequest, slug: str, payload: WebhookIn) -> Status:
    """Register an endpoint for the chosen events; the signing `secret` is in this answer only."""
    acc = access_space(request.auth, slug, role=Role.ADMIN)
    webhook = actions.do_create_webhook(acc, url=payload.url, events=payload.events)
    return Status(201, {**webhook_out(webhook), "secret": webhook.secret})


@router.get("/spaces/{slug}/webhooks", response={200: WebhookList, **errors(401, 403, 404)})
def list_webhooks(request: HttpRequest, slug: str) -> dict[str, Any]:
    acc = access_space(request.auth, slug, role=Role.ADMIN)
    return {"items": [webhook_out(w) for w in queries.list_webhooks(acc)], "next_cursor": None}


@router.delete("/webhooks/{int:webhook_id}", response={204: None, **errors(401, 403, 404)})
def delete_webhook(request: HttpRequest, webhook_id: int) -> Status:
    acc, webhook = access_webhook(request.auth, webhook_id)
    actions.do_delete_webhook(acc, webhook)
    return Status(204, None)


@router.get("/webhooks/{int:webhook_id}/deliveries", response={200: DeliveryList, **errors(401, 403, 404, 422)})
def list_deliveries(request: HttpRequest, webhook_id: int, cursor: str | None = None, limit: int | None = None) -> dict[str, Any]:
    """The delivery log: one item per attempt, newest first."""
    acc, webhook = access_webhook(request.auth, webhook_id)
    rows, next_cursor = queries.page_deliveries(acc, webhook, cursor=cursor, limit=limit)
    return {"items": [delivery_out(d) for d in rows], "next_cursor": next_cursor}
