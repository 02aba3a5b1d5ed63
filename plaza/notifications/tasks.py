"""Notification email: immediate mail and the daily digest, never an item mailed twice."""

from __future__ import annotations

import logging
import zoneinfo
from datetime import datetime, time, timedelta

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django_tasks import task

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


def _claim(ids: list[int]) -> list[int]:
    """Mark these notifications mailed now; returns those this caller claimed first."""
    from plaza.notifications.models import Notification

    with transaction.atomic():
        claimed = list(
            Notification.objects.select_for_update(skip_locked=True)
            .filter(pk__in=ids, emailed_at__isnull=True)
            .values_list("pk", flat=True)
        )
        Notification.objects.filter(pk__in=claimed).update(emailed_at=timezone.now())
    return claimed


def _unclaim(ids: list[int]) -> None:
    from plaza.notifications.models import Notification

    Notification.objects.filter(pk__in=ids).update(emailed_at=None)


def _send(user, subject: str, context: dict, template: str, unsubscribe_kind: str | None) -> None:
    text = render_to_string(f"notifications/email/{template}.txt", context)
    html = render_to_string(f"notifications/email/{template}.html", context)
    headers = {}
    if unsubscribe_kind:
        headers["List-Unsubscribe"] = f"<{context['unsubscribe_url']}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message = EmailMultiAlternatives(subject, text, None, [user.email], headers=headers)
    message.attach_alternative(html, "text/html")
    message.send()


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
    if not _claim([row.pk]):
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
            _send(row.recipient, row.text, context, "notification", row.kind)  # type: ignore[attr-defined]
    except Exception:
        _unclaim([row.pk])
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
    zones = set(User.objects.filter(notifications__in=pending, is_active=True).values_list("timezone", flat=True).distinct())
    due_zones = [tz for tz in zones if _local_digest_due(tz, now)]
    sent = 0
    for user in User.objects.filter(timezone__in=due_zones, is_active=True, notifications__in=pending).distinct():
        local_date = now.astimezone(zoneinfo.ZoneInfo(user.timezone)).date()
        off = set(NotificationSetting.objects.filter(user=user, mode="off").values_list("kind", flat=True))
        ids = list(pending.filter(recipient=user).exclude(kind__in=off).values_list("pk", flat=True))
        if not ids:
            continue
        try:
            with transaction.atomic():
                log = DigestLog.objects.create(user=user, date=local_date)
        except IntegrityError:
            continue  # this person's digest for today went out already
        claimed = _claim(ids)
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
                _send(user, subject, context, "digest", None)
        except Exception:
            _unclaim(claimed)
            DigestLog.objects.filter(pk=log.pk).delete()
            raise
        DigestLog.objects.filter(pk=log.pk).update(items=len(rows))
        sent += 1
    return sent
