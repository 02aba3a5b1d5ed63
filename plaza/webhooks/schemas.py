from __future__ import annotations

from datetime import datetime

from ninja import Schema


class WebhookIn(Schema):
    url: str
    events: list[str]


class WebhookOut(Schema):
    id: int
    url: str
    events: list[str]
    enabled: bool
    created_at: datetime
    disabled_at: datetime | None = None


class WebhookCreatedOut(WebhookOut):
    secret: str  # shown once, at creation


class WebhookList(Schema):
    items: list[WebhookOut]
    next_cursor: str | None = None


class DeliveryOut(Schema):
    id: int
    webhook_id: str  # the ``webhook-id`` header: the same on every attempt of one event
    type: str
    attempt: int
    status: str
    response_code: int | None = None
    error: str
    duration_ms: int
    created_at: datetime


class DeliveryList(Schema):
    items: list[DeliveryOut]
    next_cursor: str | None = None
