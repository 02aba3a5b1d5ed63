"""Background work of events: the reminder job, run every five minutes by the scheduler."""

from __future__ import annotations

from django_tasks import task


@task()
def send_event_reminders() -> int:
    """Send the reminders that are due (each exactly once); returns how many went out."""
    from plaza.events.actions import do_send_due_reminders

    return do_send_due_reminders()
