"""Base models shared by every app: the audit log and idempotency records."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEntry(models.Model):
    """One append-only line of the audit log: who did what, when, with before and after.

    The space is kept as a nullable key plus its slug so the trail of a deleted space survives.
    """

    space = models.ForeignKey("spaces.Space", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    space_slug = models.CharField(max_length=64, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    action = models.CharField(max_length=64)
    target_type = models.CharField(max_length=32, blank=True)
    target_id = models.BigIntegerField(null=True, blank=True)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    # The client address of the request that did it (PLAZA_TRUSTED_PROXIES considered).
    address = models.GenericIPAddressField(null=True, blank=True)
    created = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        indexes = [models.Index(fields=["space", "-created", "-id"], name="audit_space_created")]

    def save(self, *args: object, **kwargs: object) -> None:
        # Integrity, not business logic: an entry once written is never rewritten.
        if self.pk is not None:
            raise ValueError("audit entries are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: object, **kwargs: object) -> tuple[int, dict[str, int]]:
        raise ValueError("audit entries are append-only")


class IdempotencyRecord(models.Model):
    """A POST carrying an ``Idempotency-Key``: claimed before the route runs, in the route's
    transaction, and holding its answer (replayed on retries) once that commits.

    ``secret``: the answer showed a secret and is not kept (``body`` is empty); a retry is 409.
    Records are deleted after 24 hours (``core.tasks.purge_idempotency_records``).
    """

    owner = models.CharField(max_length=80)
    key = models.CharField(max_length=200)
    request_hash = models.CharField(max_length=64)
    status = models.PositiveSmallIntegerField()
    content_type = models.CharField(max_length=100, default="")
    body = models.BinaryField(default=b"")
    secret = models.BooleanField(default=False)
    created = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["owner", "key"], name="idempotency_owner_key")]


class ScheduledRun(models.Model):
    """A scheduled job's slot that has been queued (see core.scheduler)."""

    name = models.CharField(max_length=100)
    slot = models.BigIntegerField()
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["name", "slot"], name="scheduledrun_name_slot")]


class WorkerBeat(models.Model):
    """A running task worker's last sign of life (``core.tasks``): the lease of its tasks."""

    worker_id = models.CharField(max_length=64, unique=True)
    beat_at = models.DateTimeField()


class OutboundEmail(models.Model):
    """One email that must go out at most once, by its key (``core.outbox``).

    ``claimed_at``: a sender took it (a lease); ``sent_at``: the SMTP server accepted it.
    ``data``: what the sender needs to resume after a crash (a digest's notifications).
    """

    key = models.CharField(max_length=200, unique=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    data = models.JSONField(default=dict, blank=True)
    created = models.DateTimeField(auto_now_add=True)
