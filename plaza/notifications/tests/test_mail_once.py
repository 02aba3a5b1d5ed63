"""A notification email survives its sender dying: the next run of the task sends what was
never accepted by the SMTP server, once (core.outbox). The kill -9 version with a real worker
and SMTP server is core/tests/test_crashes.py."""

from __future__ import annotations

import zoneinfo
from datetime import datetime, timedelta

import pytest
from django.core import mail
from django.utils import timezone

from plaza.core import outbox
from plaza.core.models import OutboundEmail
from plaza.notifications import tasks
from plaza.notifications.models import DigestLog, Notification

from .test_notifications import notify_space


def test_an_immediate_email_taken_by_a_dead_run_is_sent_by_the_next_run_once(world):
    [row] = notify_space(world, [world.bob.user], kind="invitation_received")
    key = f"notification:{row.pk}"
    # A run that died mid-send: the notification is taken and the email claimed, never sent.
    assert tasks._claim([row.pk], key) == [row.pk]
    OutboundEmail.objects.filter(key=key).update(claimed_at=timezone.now() - timedelta(minutes=5))
    assert tasks.send_notification_email.call(row.pk) is True
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["bob@example.com"]
    assert mail.outbox[0].extra_headers["Message-ID"].startswith("<")
    assert tasks.send_notification_email.call(row.pk) is False
    assert len(mail.outbox) == 1
    assert OutboundEmail.objects.get(key=key).sent_at is not None


def test_a_digest_taken_by_a_dead_run_is_sent_by_the_next_run_once(world):
    bob = world.bob.user
    bob.timezone = "Asia/Shanghai"
    bob.save()
    notify_space(world, [bob])
    notify_space(world, [bob])
    shanghai = zoneinfo.ZoneInfo("Asia/Shanghai")
    morning = datetime(2026, 11, 28, 8, 5, tzinfo=shanghai)
    key = f"digest:{bob.pk}:2026-11-28"
    # The dead run wrote today's log and took every pending notification, then died.
    DigestLog.objects.create(user=bob, date=morning.date())
    ids = list(Notification.objects.filter(recipient=bob).values_list("pk", flat=True))
    assert sorted(tasks._claim(ids, key)) == sorted(ids)
    assert tasks.send_digests.call(morning.isoformat()) == 1
    assert len(mail.outbox) == 1 and mail.outbox[0].body.count("Acme") == 2
    assert tasks.send_digests.call((morning + timedelta(minutes=5)).isoformat()) == 0
    assert len(mail.outbox) == 1


def test_a_live_senders_claim_is_left_alone(world):
    [row] = notify_space(world, [world.bob.user], kind="invitation_received")
    key = f"notification:{row.pk}"
    tasks._claim([row.pk], key)
    OutboundEmail.objects.filter(key=key).update(claimed_at=timezone.now())  # being sent right now
    with pytest.raises(outbox.EmailInFlight):  # retried later, with backoff
        tasks.send_notification_email.call(row.pk)
    assert mail.outbox == []
    assert Notification.objects.get(pk=row.pk).emailed_at is not None
