"""Email that goes out once per key, even when the task sending it is run again.

A task can run twice: its worker died and the task's lease ran out (``core.tasks``), or it
failed and was retried. Each email has a key naming what it is about
(``notification:<id>``, ``digest:<user>:<date>``, ``case:<case>:<event>``). Before sending,
the sender claims the key's ``OutboundEmail`` row; the row is marked sent only after the
SMTP server accepted the message. So:

- a sender that died before the server accepted leaves a claim whose lease runs out, and the
  task's next run sends it;
- a message already accepted is never sent again;
- a sender that died in the instant between the server's acceptance and the mark leaves a
  claim too: the next run sends it again, with the same ``Message-ID`` (made from the key),
  which mail systems use to drop the duplicate.
"""

from __future__ import annotations

import hashlib
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from plaza.core.models import OutboundEmail


class EmailInFlight(Exception):
    """Another live sender holds this email's claim; try again after its lease."""


def lease() -> timedelta:
    return timedelta(seconds=settings.PLAZA_TASK_LEASE)


def message_id(key: str) -> str:
    domain = settings.DEFAULT_FROM_EMAIL.rsplit("@", 1)[-1].strip("> ") or "plaza.invalid"
    return f"<{hashlib.sha256(key.encode()).hexdigest()[:32]}@{domain}>"


def reserve(key: str, *, data: dict[str, Any] | None = None) -> bool:
    """Create the unsent row for ``key`` (in the caller's transaction); False if it exists."""
    try:
        with transaction.atomic():
            OutboundEmail.objects.create(key=key, data=data or {})
    except IntegrityError:
        return False
    return True


def unsent(key: str) -> OutboundEmail | None:
    """The row of an email reserved or claimed but not accepted by the server yet."""
    return OutboundEmail.objects.filter(key=key, sent_at__isnull=True).first()


def unsent_keys(prefix: str) -> list[str]:
    """Keys starting with ``prefix`` of emails reserved or claimed, never accepted by the
    server, and not claimed by a live sender (no claim, or one older than a lease)."""
    stale = timezone.now() - lease()
    rows = OutboundEmail.objects.filter(key__startswith=prefix, sent_at__isnull=True)
    return list(rows.filter(Q(claimed_at__isnull=True) | Q(claimed_at__lt=stale)).values_list("key", flat=True))


def release(key: str) -> None:
    """Forget an unsent email (its sender failed and will start over)."""
    OutboundEmail.objects.filter(key=key, sent_at__isnull=True).delete()


def send_once(key: str, message: EmailMessage) -> bool:
    """Send ``message`` unless the email ``key`` was sent already. Returns whether it was sent.

    Raises ``EmailInFlight`` while another sender's claim is fresh, and the send's own
    exception when the server refused (the claim is then released for the retry).
    """
    now = timezone.now()
    with transaction.atomic():
        row, _ = OutboundEmail.objects.select_for_update().get_or_create(key=key)
        if row.sent_at is not None:
            return False
        if row.claimed_at is not None and row.claimed_at > now - lease():
            raise EmailInFlight(key)
        row.claimed_at = now
        row.attempts += 1
        row.save(update_fields=["claimed_at", "attempts"])
    message.extra_headers["Message-ID"] = message_id(key)
    try:
        message.send()
    except BaseException:
        OutboundEmail.objects.filter(pk=row.pk).update(claimed_at=None)
        raise
    OutboundEmail.objects.filter(pk=row.pk).update(sent_at=timezone.now())
    return True
