"""Background work of the feed app."""

from __future__ import annotations

from django_tasks import task


@task()
def purge_orphan_uploads() -> int:
    """Scheduled hourly: delete uploads never attached to a post within a day."""
    from plaza.feed.actions import do_purge_orphan_uploads

    return do_purge_orphan_uploads()
