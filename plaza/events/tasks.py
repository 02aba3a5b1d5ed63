"""Background work of events: the reminder job, run every five minutes by the scheduler."""

from __future__ import annotations

from django_tasks import task


@task()
def send_event_reminders() -> int:
    """Release the seats of people who left, then send the reminders that are due (each
    exactly once); returns how many reminders went out."""
    from plaza.events.actions import do_release_lost_seats, do_send_due_reminders

    # Seats of people who left first, so reminders go only to those who may still come.
    do_release_lost_seats()
    return do_send_due_reminders()
