"""Background work of webhooks: one delivery attempt per task run."""

from __future__ import annotations

from django_tasks import task

from plaza.core.tasks import named
from plaza.webhooks.actions import DELIVER_TASK, do_attempt_delivery


@named(DELIVER_TASK)
@task()
def deliver_webhook_message(message_id: int) -> str:
    return do_attempt_delivery(message_id)
