"""Background work of webhooks: one delivery attempt per task run."""

from __future__ import annotations

from django_tasks import task


@task()
def deliver_webhook_message(message_id: int) -> str:
    from plaza.webhooks.actions import do_attempt_delivery

    return do_attempt_delivery(message_id)
