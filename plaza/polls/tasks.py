"""Background work of polls: closing polls whose deadline has passed."""

from __future__ import annotations

from django_tasks import task


@task()
def close_due_polls() -> int:
    from plaza.polls.actions import do_close_due_polls

    return do_close_due_polls()
