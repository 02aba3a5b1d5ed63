"""Notification email: immediate mail and the daily digest, never an item mailed twice.

``emailed_at`` marks a notification taken by one email (the immediate one or a digest), so
the other never includes it; the email itself goes through ``core.outbox``, which counts it
sent only once the SMTP server accepted it. A task run again after its worker died finds
its email reserved but unsent, and sends it.
"""

from __future__ import annotations

import logging
import zoneinfo
from datetime import datetime, time, timedelta

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django_tasks import task

from plaza.core import outbox
from plaza.core.i18n import as_recipient
from plaza.core.tasks import retrying

logger = logging.getLogger("plaza.notifications")

DIGEST_HOUR = 8
DIGEST_EVERY = 900  # seconds between digest runs; a person's digest goes in the run at 08:00-08:15 local
UNSUBSCRIBE_SALT = "plaza.notifications.unsubscribe"


def unsubscribe_token(user_id: int, kind: str) -> str:
    return signing.dumps({"u": user_id, "k": kind}, salt=UNSUBSCRIBE_SALT, compress=True)


def read_unsubscribe_token(token: str) -> tuple[int, str] | None:
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT, max_age=60 * 60 * 24 * 365)
    except signing.BadSignature:
        return None
    return int(data["u"]), str(data["k"])


def _base() -> str:
    return settings.PLAZA_BASE_URL.rstrip("/")


def _claim(ids: list[int], key: str) -> list[int]:
    """Take these notifications for the email ``key``; returns those this caller took first.

    The email is reserved in the same transaction (``outbox.reserve``), with the ids taken.
    """
    from plaza.notifications.models import Notification

    with transaction.atomic():
        claimed = list(
            Notification.objects.select_for_update(skip_locked=True)
            .filter(pk__in=ids, emailed_at__isnull=True)
            .values_list("pk", flat=True)
        )
        if claimed:
            Notification.objects.filter(pk__in=claimed).update(emailed_at=timezone.now())
            outbox.reserve(key, data={"ids": claimed})
    return claimed


def _resume(key: str) -> list[int]:
    """The notifications of an email a previous run of this task took but never sent."""
    row = outbox.unsent(key)
    return list(row.data.get("ids", [])) if row is not None else []


def _unclaim(ids: list[int], key: str) -> None:
    from plaza.notifications.models import Notification

    Notification.objects.filter(pk__in=ids).update(emailed_at=None)
    outbox.release(key)


def _send(user, subject: str, context: dict, template: str, unsubscribe_kind: str | None, *, key: str) -> None:
    text = render_to_string(f"notifications/email/{template}.txt", context)
    html = render_to_string(f"notifications/email/{template}.html", context)
    headers = {}
    if unsubscribe_kind:
        headers["List-Unsubscribe"] = f"<{context['unsubscribe_url']}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message = EmailMultiAlternatives(subject, text, None, [user.email], headers=headers)
    message.attach_alternative(html, "text/html")
    outbox.send_once(key, message)


@task()
@retrying(attempts=5, base_delay=30)
def send_notification_email(notification_id: int) -> bool:
    """Mail one notification at once. Returns False when there was nothing to send."""
    from plaza.notifications.models import Notification
    from plaza.notifications.queries import annotate_availability, mode_for

    row = Notification.objects.select_related("recipient", "actor").filter(pk=notification_id).first()
    if row is None or row.read_at is not None or not row.recipient.is_active:
        return False
    if mode_for(row.recipient, row.kind, row.data.get("default_mode")) != "immediate":
        return False
    key = f"notification:{row.pk}"
    if not _claim([row.pk], key) and not _resume(key):
        return False  # already mailed (another worker or the digest)
    try:
        with as_recipient(row.recipient):
            annotate_availability(row.recipient, [row])
            if not row.available:  # type: ignore[attr-defined]
                return False
            context = {
                "user": row.recipient,
                "items": [row],
                "base": _base(),
                "unsubscribe_url": f"{_base()}/notifications/unsubscribe/{unsubscribe_token(row.recipient_id, row.kind)}/",
            }
            _send(row.recipient, row.text, context, "notification", row.kind, key=key)  # type: ignore[attr-defined]
    except outbox.EmailInFlight:
        raise  # a live sender has it: leave its claim alone
    except Exception:
        _unclaim([row.pk], key)
        raise
    return True


def _local_digest_due(tz_name: str, now: datetime) -> bool:
    try:
        local = now.astimezone(zoneinfo.ZoneInfo(tz_name))
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        local = now
    start = datetime.combine(local.date(), time(DIGEST_HOUR), tzinfo=local.tzinfo)
    return start <= local < start + timedelta(seconds=DIGEST_EVERY)


@task()
@retrying(attempts=3, base_delay=60)
def send_digests(now_iso: str | None = None) -> int:
    """Mail each person whose local time is 08:00 (this run's window) one digest of all
    their unread notifications that were never mailed. Returns how many digests went out."""
    from plaza.accounts.models import User
    from plaza.notifications.models import DigestLog, Notification, NotificationSetting
    from plaza.notifications.queries import annotate_availability

    now = datetime.fromisoformat(now_iso) if now_iso else timezone.now()
    pending = Notification.objects.filter(read_at__isnull=True, emailed_at__isnull=True)
    # People whose digest a run that died took but never sent: all their notifications are
    # taken (not pending), yet their digest is owed.
    owed = set(outbox.unsent_keys("digest:"))
    people = User.objects.filter(Q(notifications__in=pending) | Q(pk__in={int(k.split(":")[1]) for k in owed}), is_active=True)
    zones = set(people.values_list("timezone", flat=True).distinct())
    due_zones = [tz for tz in zones if _local_digest_due(tz, now)]
    sent = 0
    for user in people.filter(timezone__in=due_zones).distinct():
        local_date = now.astimezone(zoneinfo.ZoneInfo(user.timezone)).date()
        off = set(NotificationSetting.objects.filter(user=user, mode="off").values_list("kind", flat=True))
        ids = list(pending.filter(recipient=user).exclude(kind__in=off).values_list("pk", flat=True))
        key = f"digest:{user.pk}:{local_date.isoformat()}"
        if not ids and key not in owed:
            continue
        try:
            with transaction.atomic():
                log = DigestLog.objects.create(user=user, date=local_date)
        except IntegrityError:
            # This person's digest for today went out already, or a run that died took it
            # and never sent it: then send what that run took.
            claimed = _resume(key)
            log = DigestLog.objects.get(user=user, date=local_date)
        else:
            claimed = _claim(ids, key) if ids else []
        if not claimed:
            continue
        try:
            rows = list(Notification.objects.filter(pk__in=claimed).select_related("actor").order_by("-created"))
            with as_recipient(user):
                annotate_availability(user, rows)
                rows = [r for r in rows if r.available]  # type: ignore[attr-defined]
                if not rows:
                    continue
                context = {"user": user, "items": rows, "base": _base(), "unsubscribe_url": f"{_base()}/notifications/settings/"}
                subject = translation.gettext("Your Plaza digest: %(n)d unread") % {"n": len(rows)}
                _send(user, subject, context, "digest", None, key=key)
        except outbox.EmailInFlight:
            raise
        except Exception:
            _unclaim(claimed, key)
            DigestLog.objects.filter(pk=log.pk).delete()
            raise
        DigestLog.objects.filter(pk=log.pk).update(items=len(rows))
        sent += 1
    return sent
