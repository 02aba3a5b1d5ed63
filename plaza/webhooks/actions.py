"""Writes of webhooks: register and remove endpoints, emit events, attempt deliveries.

:func:`emit` is what other apps' actions call, inside their own transaction: it writes one
message per subscribed endpoint and queues its delivery task in that transaction, so a
rolled-back action sends nothing and a committed one always does.
"""

from __future__ import annotations

import base64
import functools
import http.client
import json
import secrets
import time
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from standardwebhooks.webhooks import Webhook as Signer

from plaza.core import audit, fastsql
from plaza.core import tasks as core_tasks
from plaza.core.errors import Conflict, Forbidden, Invalid
from plaza.core.metrics import WEBHOOKS as WEBHOOK_ATTEMPTS
from plaza.spaces.access import SpaceAccess
from plaza.webhooks import net
from plaza.webhooks.models import (
    EVENTS,
    MAX_WEBHOOKS_PER_SPACE,
    AttemptStatus,
    MessageStatus,
    Webhook,
    WebhookDelivery,
    WebhookMessage,
)

DELIVER_TASK = "webhooks.deliver"


def _refusal(reason: str) -> str:
    messages = {
        "scheme": _("Only http and https addresses can receive webhooks."),
        "invalid": _("Enter a valid address, without a user name or password."),
        "unresolvable": _("This host name could not be resolved."),
        "loopback": _("Loopback addresses cannot receive webhooks."),
        "private": _("Private network addresses cannot receive webhooks on this server."),
        "link_local": _("Link-local addresses cannot receive webhooks."),
        "multicast": _("Multicast addresses cannot receive webhooks."),
        "reserved": _("Reserved addresses cannot receive webhooks."),
        "unspecified": _("This address cannot receive webhooks."),
        "metadata": _("Cloud metadata addresses cannot receive webhooks."),
    }
    return messages.get(reason, messages["invalid"])


def check_url(url: str) -> str:
    url = (url or "").strip()
    if not url or len(url) > 500:
        raise Invalid(_("Enter a valid address, without a user name or password."), field="url")
    try:
        net.resolve(url)
    except net.RefusedURL as exc:
        raise Invalid(_refusal(exc.reason), field="url") from exc
    return url


def check_events(events: list[str]) -> list[str]:
    chosen = [e for e in EVENTS if e in set(events or [])]
    unknown = set(events or []) - set(EVENTS)
    if unknown or not chosen:
        raise Invalid(_("Choose one or more of the listed events."), field="events")
    return chosen


def new_secret() -> str:
    return "whsec_" + base64.b64encode(secrets.token_bytes(24)).decode()


@transaction.atomic
def do_create_webhook(acc: SpaceAccess, *, url: str, events: list[str]) -> Webhook:
    """Admins register an endpoint; the returned webhook's ``secret`` is shown once."""
    if not acc.is_admin:
        raise Forbidden()
    events = check_events(events)
    url = check_url(url)
    if Webhook.objects.filter(space=acc.space).count() >= MAX_WEBHOOKS_PER_SPACE:
        raise Conflict(_("A space can have at most %(count)d webhooks.") % {"count": MAX_WEBHOOKS_PER_SPACE})
    webhook = Webhook.objects.create(space=acc.space, url=url, events=events, secret=new_secret(), created_by=acc.user)
    audit.record(space=acc.space, actor=acc.user, action="webhook.create", target=webhook, after={"url": url, "events": events})
    return webhook


@transaction.atomic
def do_delete_webhook(acc: SpaceAccess, webhook: Webhook) -> None:
    """Admins remove an endpoint; its queued messages and its log go with it."""
    if not acc.is_admin or webhook.space_id != acc.space.pk:
        raise Forbidden()
    audit.record(
        space=acc.space,
        actor=acc.user,
        action="webhook.delete",
        target=webhook,
        before={"url": webhook.url, "events": webhook.events},
    )
    webhook.delete()


@transaction.atomic
def do_enable_webhook(acc: SpaceAccess, webhook: Webhook) -> Webhook:
    """Turn an endpoint that was turned off after failures back on (new events only)."""
    if not acc.is_admin or webhook.space_id != acc.space.pk:
        raise Forbidden()
    check_url(webhook.url)
    Webhook.objects.filter(pk=webhook.pk).update(enabled=True, disabled_at=None)
    audit.record(space=acc.space, actor=acc.user, action="webhook.enable", target=webhook, after={"url": webhook.url})
    webhook.refresh_from_db()
    return webhook


def emit(space: Any, event: str, data: dict[str, Any]) -> None:
    """Queue ``event`` for every enabled endpoint of ``space`` that chose it.

    Call inside the action's transaction. ``data`` must hold only what the space's admins
    may see. One indexed query when the space has no webhooks.
    """
    if event not in EVENTS:
        raise ValueError(f"unknown webhook event {event!r}")
    hook_ids = [pk for pk, events in _enabled_hooks(space.pk) if event in events]
    if not hook_ids:
        return
    body = json.dumps(
        {"type": event, "timestamp": timezone.now().isoformat(), "data": data},
        cls=DjangoJSONEncoder,
        ensure_ascii=False,
        separators=(",", ":"),
    )
    for hook_id in hook_ids:
        message = WebhookMessage.objects.create(
            space_id=space.pk, webhook_id=hook_id, event=event, body=body, msg_id="msg_" + secrets.token_urlsafe(18)
        )
        core_tasks.enqueue(DELIVER_TASK, message.pk)


def _enabled_hooks(space_id: int) -> list[tuple[int, list[str]]]:
    """(id, events) of the space's enabled endpoints: asked by every write that emits, so
    written without the ORM's compiler (~0.4 ms of CPU per call)."""
    sql, cols = _enabled_hooks_sql(connection.vendor)
    return [(pk, events) for pk, events in fastsql.convert_rows(fastsql.fetch_all(sql, [space_id]), cols.converters)]


@functools.cache
def _enabled_hooks_sql(vendor: str) -> tuple[str, fastsql.Columns]:
    cols = fastsql.columns(Webhook, "w", ("id", "events"))
    return fastsql.render("SELECT {cols} FROM {w} w WHERE {w.space} = %s AND {w.enabled}", {"w": Webhook}, cols=cols.sql), cols


def sign(secret: str, msg_id: str, body: str) -> dict[str, str]:
    """The Standard Webhooks headers of one attempt (signed at the attempt's time)."""
    now = timezone.now()
    return {
        "webhook-id": msg_id,
        "webhook-timestamp": str(int(now.timestamp())),
        "webhook-signature": Signer(secret).sign(msg_id, now, body),
    }


def _attempt(webhook: Webhook, message: WebhookMessage) -> tuple[str, int | None, str]:
    """One HTTP attempt, outside any transaction: (status, response code, error)."""
    try:
        target = net.resolve(webhook.url)
    except net.RefusedURL as exc:
        return AttemptStatus.REFUSED, None, exc.reason
    try:
        answer = net.post(target, message.body.encode(), sign(webhook.secret, message.msg_id, message.body))
    except (OSError, http.client.HTTPException, ValueError) as exc:  # TLS, timeouts, resets, bad answers
        return AttemptStatus.FAILED, None, (type(exc).__name__ + ": " + str(exc))[:300]
    if 200 <= answer.status < 300:
        return AttemptStatus.DELIVERED, answer.status, ""
    return AttemptStatus.FAILED, answer.status, answer.body[:200].decode("utf-8", "replace")


def do_attempt_delivery(message_id: int) -> str:
    """Deliver one pending message once; on failure queue the next attempt or give up.

    After the last attempt fails, the endpoint is turned off and the space's admins are
    notified when it has not answered any message since this one was emitted.
    """
    message = WebhookMessage.objects.select_related("webhook__space").filter(pk=message_id).first()
    if message is None or message.status != MessageStatus.PENDING:
        return "gone"
    webhook = message.webhook
    if not webhook.enabled:
        WebhookMessage.objects.filter(pk=message.pk).update(status=MessageStatus.FAILED)
        return "disabled"
    started = time.monotonic()
    status, code, error = _attempt(webhook, message)
    duration = int((time.monotonic() - started) * 1000)
    WEBHOOK_ATTEMPTS.labels(status).inc()
    number = message.attempts + 1
    delays = settings.WEBHOOK_RETRY_DELAYS
    with transaction.atomic():
        # Locked: removing the endpoint meanwhile deletes its messages, and then there is nothing to log.
        if not WebhookMessage.objects.select_for_update().filter(pk=message.pk, status=MessageStatus.PENDING).exists():
            return "gone"
        WebhookDelivery.objects.create(
            space_id=message.space_id,
            webhook=webhook,
            message=message,
            attempt=number,
            status=status,
            response_code=code,
            error=error,
            duration_ms=duration,
        )
        now = timezone.now()
        if status == AttemptStatus.DELIVERED:
            WebhookMessage.objects.filter(pk=message.pk).update(attempts=number, status=MessageStatus.DELIVERED)
            Webhook.objects.filter(pk=webhook.pk).update(last_success_at=now)
            return "delivered"
        if number < len(delays):
            WebhookMessage.objects.filter(pk=message.pk).update(attempts=number)
            core_tasks.TASKS[DELIVER_TASK].using(run_after=now + timedelta(seconds=delays[number])).enqueue(message.pk)
            return "retrying"
        WebhookMessage.objects.filter(pk=message.pk).update(attempts=number, status=MessageStatus.FAILED)
        webhook.refresh_from_db(fields=["last_success_at", "enabled"])
        if webhook.enabled and (webhook.last_success_at is None or webhook.last_success_at < message.created):
            _disable(webhook)
        return "failed"


def _disable(webhook: Webhook) -> None:
    from plaza.notifications.actions import notify
    from plaza.spaces.models import Membership

    Webhook.objects.filter(pk=webhook.pk).update(enabled=False, disabled_at=timezone.now())
    WebhookMessage.objects.filter(webhook=webhook, status=MessageStatus.PENDING).update(status=MessageStatus.FAILED)
    audit.record(space=webhook.space, actor=None, action="webhook.disable", target=webhook, after={"url": webhook.url})
    admins = Membership.objects.filter(space=webhook.space, role__in=["owner", "admin"]).values_list("user_id", flat=True)
    notify(
        recipients=list(admins),
        kind="webhook_disabled",
        space=webhook.space,
        target_type="space_webhooks",
        target_id=webhook.space_id,
        data={"url": webhook.url},
    )


def person(user: Any) -> dict[str, Any] | None:
    """A person as webhook data show them (signed-out actors: None)."""
    if not getattr(user, "is_authenticated", False):
        return None
    return {"id": user.pk, "name": user.name, "handle": user.handle}
