"""Background work of exports: writing the zip, and deleting expired exports."""

from __future__ import annotations

from django_tasks import task

from plaza.core.tasks import named


@named("exports.run_export")
@task()
def run_export(export_id: int) -> str:
    """Write one export; returns its final status."""
    from plaza.exports.actions import do_run_export

    export = do_run_export(export_id)
    return export.status if export else "missing"


@named("exports.delete_expired")
@task()
def delete_expired_exports() -> int:
    """The scheduled job: delete exports past their expiry, files and all."""
    from plaza.exports.actions import do_delete_expired_exports

    return do_delete_expired_exports()
