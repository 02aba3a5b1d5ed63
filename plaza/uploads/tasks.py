"""Background work of the uploads app."""

from __future__ import annotations

from django_tasks import task

from plaza.uploads.actions import do_purge_orphan_uploads


@task()
def purge_orphan_uploads() -> int:
    """Scheduled hourly: delete uploads never attached to a post within a day."""
    return do_purge_orphan_uploads()
